"""The link review queue (defined in ctkit.store.link_tables): linkage runs and candidate pairs of case records.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('link_runs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('model', sa.String(length=40), nullable=False),
    sa.Column('accept', sa.Float(), nullable=False),
    sa.Column('review', sa.Float(), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('pairs', sa.Integer(), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_runs'))
    )
    op.create_table('link_pairs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('case_id_l', sa.String(length=36), nullable=False),
    sa.Column('case_id_r', sa.String(length=36), nullable=False),
    sa.Column('organisation_id_l', sa.String(length=36), nullable=True),
    sa.Column('organisation_id_r', sa.String(length=36), nullable=True),
    sa.Column('match_weight', sa.Float(), nullable=False),
    sa.Column('match_probability', sa.Float(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_by', sa.String(length=36), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id_l'], ['cases.id'], name=op.f('fk_link_pairs_case_id_l_cases'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id_r'], ['cases.id'], name=op.f('fk_link_pairs_case_id_r_cases'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['link_runs.id'], name=op.f('fk_link_pairs_run_id_link_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_pairs'))
    )
    with op.batch_alter_table('link_pairs', schema=None) as batch_op:
        batch_op.create_index('ix_link_pairs_case_id_l', ['case_id_l'], unique=False)
        batch_op.create_index('ix_link_pairs_case_id_r', ['case_id_r'], unique=False)
        batch_op.create_index('ix_link_pairs_status', ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('link_pairs', schema=None) as batch_op:
        batch_op.drop_index('ix_link_pairs_status')
        batch_op.drop_index('ix_link_pairs_case_id_r')
        batch_op.drop_index('ix_link_pairs_case_id_l')
    op.drop_table('link_pairs')
    op.drop_table('link_runs')
