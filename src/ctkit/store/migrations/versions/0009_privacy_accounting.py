"""Privacy-budget accounting beyond pure (epsilon, delta): zero-concentrated DP (rho) per budget and release.

``privacy_budgets.accounting`` (``zcdp`` or ``basic``; existing budgets get ``zcdp``, which is never stricter than
the basic composition they had) and ``privacy_releases.rho`` (a Gaussian release's zCDP parameter; NULL for
earlier releases, which keep being accounted by their (epsilon, delta)).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('privacy_budgets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accounting', sa.String(length=16), server_default='zcdp', nullable=False))
    with op.batch_alter_table('privacy_releases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rho', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('privacy_releases', schema=None) as batch_op:
        batch_op.drop_column('rho')
    with op.batch_alter_table('privacy_budgets', schema=None) as batch_op:
        batch_op.drop_column('accounting')
