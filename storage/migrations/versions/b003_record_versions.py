"""Record pages: each pledge's record versions, every run's attempts to read them, and the
term crawls the plan probed (page 0 only).

Revision ID: b003
Revises: b001
Create Date: 2026-12-07 04:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'b003'
down_revision = 'b002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('record_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('valid_from_run', sa.Integer(), nullable=False),
    sa.Column('valid_to_run', sa.Integer(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('date_shared', sa.String(length=40), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('countries', sa.JSON(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('gfmd_source', sa.JSON(), nullable=False),
    sa.Column('thematic_recollection', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_record_versions_pledge_id_pledges')),
    sa.ForeignKeyConstraint(['valid_from_run'], ['runs.id'], name=op.f('fk_record_versions_valid_from_run_runs')),
    sa.ForeignKeyConstraint(['valid_to_run'], ['runs.id'], name=op.f('fk_record_versions_valid_to_run_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_versions')),
    sa.UniqueConstraint('pledge_id', 'number', name=op.f('uq_record_versions_pledge_id'))
    )
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.create_index('ix_record_versions_open', ['pledge_id', 'valid_to_run'], unique=False)

    op.create_table('record_fetches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('why', sa.String(length=20), nullable=True),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_record_fetches_pledge_id_pledges')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_record_fetches_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_fetches')),
    sa.UniqueConstraint('run_id', 'pledge_id', name=op.f('uq_record_fetches_run_id'))
    )
    with op.batch_alter_table('record_fetches', schema=None) as batch_op:
        batch_op.create_index('ix_record_fetches_pledge', ['pledge_id', 'run_id'], unique=False)

    with op.batch_alter_table('term_crawls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('probed', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('term_crawls', schema=None) as batch_op:
        batch_op.drop_column('probed')
    with op.batch_alter_table('record_fetches', schema=None) as batch_op:
        batch_op.drop_index('ix_record_fetches_pledge')
    op.drop_table('record_fetches')
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_record_versions_open')
    op.drop_table('record_versions')
