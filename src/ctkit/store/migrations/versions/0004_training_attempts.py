"""Training attempts (defined in ctkit.store.training_tables): trainees' screenings of the vignettes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 11:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('training_attempts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('trainee_id', sa.String(length=36), nullable=False),
    sa.Column('vignette_id', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_attempts'))
    )
    with op.batch_alter_table('training_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_training_attempts_organisation_id', ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('training_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_training_attempts_organisation_id')
    op.drop_table('training_attempts')
