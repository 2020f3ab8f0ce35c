"""Case tables: organisations, persons, cases and their child tables.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28 10:17:04.156895
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("region", sa.String(length=6), nullable=True),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_table(
        "persons",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sex", sa.String(length=40), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("age_years", sa.Integer(), nullable=True),
        sa.Column("age_reference_date", sa.Date(), nullable=True),
        sa.Column("citizenship", sa.String(length=3), nullable=True),
        sa.Column("other_citizenships", sa.String(length=80), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("vul_poverty", sa.String(length=7), nullable=True),
        sa.Column("vul_unemployment", sa.String(length=7), nullable=True),
        sa.Column("vul_family_violence", sa.String(length=7), nullable=True),
        sa.Column("vul_irregular_status", sa.String(length=7), nullable=True),
        sa.Column("vul_prior_sex_work", sa.String(length=7), nullable=True),
        sa.Column("vul_disability", sa.String(length=7), nullable=True),
        sa.Column("vul_mental_health", sa.String(length=7), nullable=True),
        sa.Column("vul_addiction", sa.String(length=7), nullable=True),
        sa.Column("vul_minor_without_guardian", sa.String(length=7), nullable=True),
        sa.Column("vul_homelessness", sa.String(length=7), nullable=True),
        sa.Column("vul_low_education", sa.String(length=7), nullable=True),
        sa.Column("vul_discrimination", sa.String(length=7), nullable=True),
        sa.Column("vul_childhood_in_care", sa.String(length=7), nullable=True),
        sa.Column("personal_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("key_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("identification_status", sa.String(length=40), nullable=False),
        sa.Column("case_status", sa.String(length=40), nullable=False),
        sa.Column("justice_status", sa.String(length=40), nullable=False),
        sa.Column("is_abduction", sa.String(length=7), nullable=False),
        sa.Column("recruiter_relation", sa.String(length=40), nullable=True),
        sa.Column("source", sa.String(length=80), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("moc_physical_threats", sa.String(length=7), nullable=True),
        sa.Column("moc_threats_law_enforcement", sa.String(length=7), nullable=True),
        sa.Column("moc_threatens_family", sa.String(length=7), nullable=True),
        sa.Column("moc_debt_bondage", sa.String(length=7), nullable=True),
        sa.Column("moc_false_promises", sa.String(length=7), nullable=True),
        sa.Column("moc_physical_abuse", sa.String(length=7), nullable=True),
        sa.Column("moc_sexual_abuse", sa.String(length=7), nullable=True),
        sa.Column("moc_takes_earnings", sa.String(length=7), nullable=True),
        sa.Column("moc_restricts_financial_access", sa.String(length=7), nullable=True),
        sa.Column("moc_restricts_medical_care", sa.String(length=7), nullable=True),
        sa.Column("moc_withholds_necessities", sa.String(length=7), nullable=True),
        sa.Column("moc_psychological_abuse", sa.String(length=7), nullable=True),
        sa.Column("moc_psychoactive_substances", sa.String(length=7), nullable=True),
        sa.Column("moc_excessive_working_hours", sa.String(length=7), nullable=True),
        sa.Column("moc_withholds_documents", sa.String(length=7), nullable=True),
        sa.Column("moc_restricts_movement", sa.String(length=7), nullable=True),
        sa.Column("moc_other", sa.String(length=7), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_cases_person_id_persons"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_registered_on"), ["registered_on"], unique=False)

    op.create_table(
        "assistance",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("provider_organisation_id", sa.String(length=36), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_assistance_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance")),
    )
    with op.batch_alter_table("assistance", schema=None) as batch_op:
        batch_op.create_index("ix_assistance_case_id", ["case_id"], unique=False)

    op.create_table(
        "case_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("region", sa.String(length=6), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index("ix_case_events_case_id", ["case_id"], unique=False)

    op.create_table(
        "case_exploitations",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_exploitations_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "position", name=op.f("pk_case_exploitations")),
    )
    op.create_table(
        "case_lifecycle",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_lifecycle_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "position", name=op.f("pk_case_lifecycle")),
    )
    op.create_table(
        "case_recorded_by",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_recorded_by_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "position", name=op.f("pk_case_recorded_by")),
    )
    op.create_table(
        "case_recruitment_methods",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_recruitment_methods_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "position", name=op.f("pk_case_recruitment_methods")),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("interpreter_used", sa.String(length=7), nullable=False),
        sa.Column("explained_by", sa.String(length=100), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_consents_case_id_cases"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index("ix_consents_case_id", ["case_id"], unique=False)

    op.create_table(
        "proceedings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("perpetrator_ref", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("victim_role", sa.String(length=20), nullable=True),
        sa.Column("non_punishment", sa.String(length=7), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("investigation_on", sa.Date(), nullable=True),
        sa.Column("prosecution_on", sa.Date(), nullable=True),
        sa.Column("verdict_on", sa.Date(), nullable=True),
        sa.Column("sentence_months", sa.Integer(), nullable=True),
        sa.Column("compensation_awarded", sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_proceedings_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proceedings")),
    )
    with op.batch_alter_table("proceedings", schema=None) as batch_op:
        batch_op.create_index("ix_proceedings_case_id", ["case_id"], unique=False)

    op.create_table(
        "referrals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("to_organisation_id", sa.String(length=36), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_referrals_case_id_cases"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index("ix_referrals_case_id", ["case_id"], unique=False)

    op.create_table(
        "screenings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("screened_on", sa.Date(), nullable=False),
        sa.Column("catalogue_id", sa.String(length=80), nullable=False),
        sa.Column("catalogue_version", sa.String(length=40), nullable=False),
        sa.Column("catalogue_status", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("sets", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("means_of_control", sa.JSON(), nullable=False),
        sa.Column("exploitation", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_screenings_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screenings")),
    )
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.create_index("ix_screenings_case_id", ["case_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.drop_index("ix_screenings_case_id")

    op.drop_table("screenings")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_referrals_case_id")

    op.drop_table("referrals")
    with op.batch_alter_table("proceedings", schema=None) as batch_op:
        batch_op.drop_index("ix_proceedings_case_id")

    op.drop_table("proceedings")
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index("ix_consents_case_id")

    op.drop_table("consents")
    op.drop_table("case_recruitment_methods")
    op.drop_table("case_recorded_by")
    op.drop_table("case_lifecycle")
    op.drop_table("case_exploitations")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index("ix_case_events_case_id")

    op.drop_table("case_events")
    with op.batch_alter_table("assistance", schema=None) as batch_op:
        batch_op.drop_index("ix_assistance_case_id")

    op.drop_table("assistance")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_registered_on"))
        batch_op.drop_index(batch_op.f("ix_cases_person_id"))
        batch_op.drop_index(batch_op.f("ix_cases_organisation_id"))

    op.drop_table("cases")
    op.drop_table("persons")
    op.drop_table("organisations")
