"""split teasers into content and context; a page list per run; remember each pledge's last sighting

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pledgewatch.storage.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('runs') as batch:
        batch.add_column(sa.Column('pages_digest', sa.String(length=64), nullable=True))
    with op.batch_alter_table('pledges') as batch:
        batch.add_column(sa.Column('content_digests', pledgewatch.storage.types.DigestList(), nullable=True))
        batch.add_column(sa.Column('seen_digest', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pledges') as batch:
        batch.drop_column('seen_digest')
        batch.drop_column('content_digests')
    with op.batch_alter_table('runs') as batch:
        batch.drop_column('pages_digest')
