"""The baseline schema: runs, raw input, terms, pledges with versions, memberships, presences
and absences, the run lock and the application state.

Revision ID: b001
Revises: 
Create Date: 2026-12-07 02:01:24.044963
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pledgewatch.storage.types


revision = 'b001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('raw_chunks',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_raw_chunks'))
    )
    op.create_table('run_locks',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('pid', sa.BigInteger(), nullable=False),
    sa.Column('acquired_at', pledgewatch.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', pledgewatch.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_run_locks'))
    )
    op.create_table('runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', pledgewatch.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', pledgewatch.storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ingested_at', pledgewatch.storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('crawl_reason', sa.String(length=100), nullable=True),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('suspect', sa.Boolean(), nullable=False),
    sa.Column('parser_version', sa.String(length=50), nullable=True),
    sa.Column('normalizer_version', sa.String(length=50), nullable=True),
    sa.Column('input_digest', sa.String(length=64), nullable=True),
    sa.Column('pages_ok', sa.Integer(), nullable=False),
    sa.Column('pages_failed', sa.Integer(), nullable=False),
    sa.Column('teasers', sa.Integer(), nullable=False),
    sa.Column('pledges_seen', sa.Integer(), nullable=False),
    sa.Column('crawl_meta', sa.JSON(), nullable=True),
    sa.Column('pages_digest', sa.String(length=64), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('email_status', sa.String(length=200), nullable=True),
    sa.Column('report_dir', sa.String(length=1000), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_runs'))
    )
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_runs_input_digest'), ['input_digest'], unique=False)

    op.create_table('state',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', pledgewatch.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_state'))
    )
    op.create_table('vocabularies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vocabularies')),
    sa.UniqueConstraint('name', name=op.f('uq_vocabularies_name'))
    )
    op.create_table('pledges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=2000), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('title_key', sa.String(length=2000), nullable=False),
    sa.Column('twin_id', sa.Integer(), nullable=True),
    sa.Column('first_run', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('absent_runs', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['first_run'], ['runs.id'], name=op.f('fk_pledges_first_run_runs')),
    sa.ForeignKeyConstraint(['twin_id'], ['pledges.id'], name=op.f('fk_pledges_twin_id_pledges')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledges')),
    sa.UniqueConstraint('key', name=op.f('uq_pledges_key'))
    )
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledges_title_key'), ['title_key'], unique=False)

    op.create_table('terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=2000), nullable=False),
    sa.Column('name', sa.String(length=1000), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('vocabulary_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['vocabulary_id'], ['vocabularies.id'], name=op.f('fk_terms_vocabulary_id_vocabularies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms')),
    sa.UniqueConstraint('key', name=op.f('uq_terms_key'))
    )
    op.create_table('absences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_absences_pledge_id_pledges')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_absences_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absences')),
    sa.UniqueConstraint('run_id', 'pledge_id', name=op.f('uq_absences_run_id'))
    )
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_absences_run_id'), ['run_id'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('from_run', sa.Integer(), nullable=False),
    sa.Column('to_run', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['from_run'], ['runs.id'], name=op.f('fk_memberships_from_run_runs')),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_memberships_pledge_id_pledges')),
    sa.ForeignKeyConstraint(['term_id'], ['terms.id'], name=op.f('fk_memberships_term_id_terms')),
    sa.ForeignKeyConstraint(['to_run'], ['runs.id'], name=op.f('fk_memberships_to_run_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index('ix_memberships_open', ['pledge_id', 'to_run'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_term_id'), ['term_id'], unique=False)

    op.create_table('pledge_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=1000), nullable=True),
    sa.Column('submitted', sa.String(length=40), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('mojibake', sa.Boolean(), nullable=False),
    sa.Column('from_run', sa.Integer(), nullable=False),
    sa.Column('to_run', sa.Integer(), nullable=True),
    sa.Column('first_page_url', sa.String(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['from_run'], ['runs.id'], name=op.f('fk_pledge_versions_from_run_runs')),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_pledge_versions_pledge_id_pledges')),
    sa.ForeignKeyConstraint(['to_run'], ['runs.id'], name=op.f('fk_pledge_versions_to_run_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge_versions')),
    sa.UniqueConstraint('pledge_id', 'number', name=op.f('uq_pledge_versions_pledge_id'))
    )
    with op.batch_alter_table('pledge_versions', schema=None) as batch_op:
        batch_op.create_index('ix_pledge_versions_open', ['pledge_id', 'to_run'], unique=False)

    op.create_table('presences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('from_run', sa.Integer(), nullable=False),
    sa.Column('to_run', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['from_run'], ['runs.id'], name=op.f('fk_presences_from_run_runs')),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_presences_pledge_id_pledges')),
    sa.ForeignKeyConstraint(['to_run'], ['runs.id'], name=op.f('fk_presences_to_run_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_presences'))
    )
    with op.batch_alter_table('presences', schema=None) as batch_op:
        batch_op.create_index('ix_presences_open', ['pledge_id', 'to_run'], unique=False)

    op.create_table('term_crawls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('pages_failed', sa.Integer(), nullable=False),
    sa.Column('teasers', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('held', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_term_crawls_run_id_runs')),
    sa.ForeignKeyConstraint(['term_id'], ['terms.id'], name=op.f('fk_term_crawls_term_id_terms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_term_crawls')),
    sa.UniqueConstraint('run_id', 'term_id', name=op.f('uq_term_crawls_run_id'))
    )
    with op.batch_alter_table('term_crawls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_term_crawls_run_id'), ['run_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('term_crawls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_term_crawls_run_id'))

    op.drop_table('term_crawls')
    with op.batch_alter_table('presences', schema=None) as batch_op:
        batch_op.drop_index('ix_presences_open')

    op.drop_table('presences')
    with op.batch_alter_table('pledge_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_pledge_versions_open')

    op.drop_table('pledge_versions')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_term_id'))
        batch_op.drop_index('ix_memberships_open')

    op.drop_table('memberships')
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_absences_run_id'))

    op.drop_table('absences')
    op.drop_table('terms')
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledges_title_key'))

    op.drop_table('pledges')
    op.drop_table('vocabularies')
    op.drop_table('state')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_runs_input_digest'))

    op.drop_table('runs')
    op.drop_table('run_locks')
    op.drop_table('raw_chunks')
