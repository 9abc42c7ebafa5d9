"""fetch_state: each fetched URL's validators and last successful read (docs/crawling.md).

Revision ID: b002
Revises: b001
Create Date: 2026-12-07 04:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pledgewatch.storage.types

revision = 'b002'
down_revision = 'b001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fetch_state',
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('etag', sa.String(length=1000), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('last_ok_at', pledgewatch.storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('next_url', sa.String(length=2000), nullable=True),
    sa.Column('last_page', sa.Integer(), nullable=True),
    sa.Column('teasers', sa.Integer(), nullable=True),
    sa.Column('records', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_fetch_state_run_id_runs')),
    sa.PrimaryKeyConstraint('url', name=op.f('pk_fetch_state'))
    )


def downgrade() -> None:
    op.drop_table('fetch_state')
