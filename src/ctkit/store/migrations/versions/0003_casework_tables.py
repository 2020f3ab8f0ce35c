"""Casework tables (defined in ctkit.store.casework_tables): lifecycle timeline, deadlines, approval requests,
referrals between organisations, services, support plans and return risk assessments.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:59:18.901690
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('casework_deadlines',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('extensions', sa.Integer(), nullable=False),
    sa.Column('ref_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_casework_deadlines_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_casework_deadlines'))
    )
    with op.batch_alter_table('casework_deadlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_casework_deadlines_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_casework_deadlines_due_on'), ['due_on'], unique=False)

    op.create_table('casework_referrals',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('from_organisation_id', sa.String(length=36), nullable=False),
    sa.Column('to_organisation_id', sa.String(length=36), nullable=False),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('shared_fields', sa.JSON(), nullable=False),
    sa.Column('sent_by', sa.String(length=36), nullable=False),
    sa.Column('responded_by', sa.String(length=36), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_casework_referrals_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_casework_referrals'))
    )
    with op.batch_alter_table('casework_referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_casework_referrals_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_casework_referrals_to', ['to_organisation_id', 'status'], unique=False)

    op.create_table('casework_requests',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('requested_by', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('decided_by', sa.String(length=36), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_casework_requests_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_casework_requests'))
    )
    with op.batch_alter_table('casework_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_casework_requests_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_casework_requests_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('casework_risk_assessments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('destination_country', sa.String(length=3), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('assessed_by', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_casework_risk_assessments_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_casework_risk_assessments'))
    )
    with op.batch_alter_table('casework_risk_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_casework_risk_assessments_case_id'), ['case_id'], unique=False)

    op.create_table('casework_services',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('referral_id', sa.String(length=36), nullable=True),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('provider_organisation_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=40), nullable=True),
    sa.Column('recorded_by', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_casework_services_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_casework_services'))
    )
    with op.batch_alter_table('casework_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_casework_services_case_id'), ['case_id'], unique=False)

    op.create_table('casework_support_plans',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('planned_end_date', sa.Date(), nullable=True),
    sa.Column('actual_end_date', sa.Date(), nullable=True),
    sa.Column('text_ciphertext', sa.LargeBinary(), nullable=True),
    sa.Column('key_id', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_casework_support_plans_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_casework_support_plans'))
    )
    with op.batch_alter_table('casework_support_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_casework_support_plans_case_id'), ['case_id'], unique=False)

    op.create_table('casework_transitions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('machine', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=40), nullable=False),
    sa.Column('to_state', sa.String(length=40), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('proceeding_id', sa.String(length=36), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('actor_id', sa.String(length=36), nullable=True),
    sa.Column('organisation_id', sa.String(length=36), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_casework_transitions_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_casework_transitions'))
    )
    with op.batch_alter_table('casework_transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_casework_transitions_case_id'), ['case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('casework_transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_casework_transitions_case_id'))

    op.drop_table('casework_transitions')
    with op.batch_alter_table('casework_support_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_casework_support_plans_case_id'))

    op.drop_table('casework_support_plans')
    with op.batch_alter_table('casework_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_casework_services_case_id'))

    op.drop_table('casework_services')
    with op.batch_alter_table('casework_risk_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_casework_risk_assessments_case_id'))

    op.drop_table('casework_risk_assessments')
    with op.batch_alter_table('casework_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_casework_requests_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_casework_requests_case_id'))

    op.drop_table('casework_requests')
    with op.batch_alter_table('casework_referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_casework_referrals_to')
        batch_op.drop_index(batch_op.f('ix_casework_referrals_case_id'))

    op.drop_table('casework_referrals')
    with op.batch_alter_table('casework_deadlines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_casework_deadlines_due_on'))
        batch_op.drop_index(batch_op.f('ix_casework_deadlines_case_id'))

    op.drop_table('casework_deadlines')
