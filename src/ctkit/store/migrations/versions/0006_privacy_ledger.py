"""The privacy-budget ledger (defined in ctkit.store.ledger_tables): budgets per data set and charged releases.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 12:58:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('privacy_budgets',
    sa.Column('dataset', sa.String(length=120), nullable=False),
    sa.Column('epsilon', sa.Float(), nullable=False),
    sa.Column('delta', sa.Float(), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('set_by', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('dataset', name=op.f('pk_privacy_budgets'))
    )
    op.create_table('privacy_releases',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('dataset', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('epsilon', sa.Float(), nullable=False),
    sa.Column('delta', sa.Float(), nullable=False),
    sa.Column('mechanism', sa.String(length=80), nullable=False),
    sa.Column('product', sa.String(length=80), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_releases'))
    )
    with op.batch_alter_table('privacy_releases', schema=None) as batch_op:
        batch_op.create_index('ix_privacy_releases_dataset', ['dataset'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('privacy_releases', schema=None) as batch_op:
        batch_op.drop_index('ix_privacy_releases_dataset')
    op.drop_table('privacy_releases')
    op.drop_table('privacy_budgets')
