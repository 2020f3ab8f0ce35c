"""TOTP secrets encrypted at rest and the last accepted time-step (replay protection).

``totp_ciphertext``/``totp_key_id`` hold the secret sealed by the store's field cipher; ``totp_last_step`` is the
30-second step of the last accepted code, so a code cannot be used twice. The plaintext ``totp_secret`` column is
kept only for databases created before this revision; the application moves each secret into the cipher columns.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 12:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A users table made by accounts.ensure_tables from newer metadata already has the columns (see 0002).
    existing = {c['name'] for c in sa.inspect(op.get_bind()).get_columns('users')}
    new = [sa.Column('totp_ciphertext', sa.LargeBinary(), nullable=True),
           sa.Column('totp_key_id', sa.String(length=64), nullable=True),
           sa.Column('totp_last_step', sa.BigInteger(), nullable=True)]
    with op.batch_alter_table('users', schema=None) as batch_op:
        for column in new:
            if column.name not in existing:
                batch_op.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_key_id')
        batch_op.drop_column('totp_ciphertext')
