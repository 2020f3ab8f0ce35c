"""Casework tables: the timeline of lifecycle transitions, deadlines, approval requests, referrals between
organisations, planned and delivered services, support plans and return risk assessments.

They hold ids, codes and dates only; the free-text parts of a support plan are encrypted like personal data. The
case's own statuses, lifecycle stages, consents, assistance and proceedings stay in the case tables
(:mod:`ctkit.store.tables`), written together with these rows in one transaction by :mod:`ctkit.record`.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Table
from sqlalchemy.types import JSON

from ctkit.store.db import Base

ID = String(36)
CODE = String(40)
metadata = Base.metadata


def _case() -> Column:
    return Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)


casework_transitions = Table(
    "casework_transitions",
    metadata,
    Column("id", ID, primary_key=True),
    _case(),
    Column("machine", String(20), nullable=False),
    Column("action", CODE, nullable=False),
    Column("from_state", CODE, nullable=False),
    Column("to_state", CODE, nullable=False),
    Column("on_date", Date, nullable=False),
    Column("proceeding_id", ID),
    Column("reason", CODE),
    Column("actor_id", ID),
    Column("organisation_id", ID),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("details", JSON, nullable=False),
)

casework_deadlines = Table(
    "casework_deadlines",
    metadata,
    Column("id", ID, primary_key=True),
    _case(),
    Column("kind", CODE, nullable=False),  # reflection_end | retention | referral_response
    Column("starts_on", Date, nullable=False),
    Column("due_on", Date, nullable=False, index=True),
    Column("status", String(12), nullable=False),  # open | met | cancelled
    Column("extensions", Integer, nullable=False),
    Column("ref_id", ID),
)

casework_requests = Table(
    "casework_requests",
    metadata,
    Column("id", ID, primary_key=True),
    _case(),
    Column("action", CODE, nullable=False),
    Column("on_date", Date, nullable=False),
    Column("reason", CODE),
    Column("requested_by", ID, nullable=False),
    Column("organisation_id", ID, nullable=False, index=True),
    Column("status", String(12), nullable=False),  # pending | approved | refused
    Column("decided_by", ID),
    Column("at", DateTime(timezone=True), nullable=False),
)

casework_referrals = Table(
    "casework_referrals",
    metadata,
    Column("id", ID, primary_key=True),
    _case(),
    Column("kind", String(12), nullable=False),  # referral | transfer
    Column("from_organisation_id", ID, nullable=False),
    Column("to_organisation_id", ID, nullable=False),
    Column("service", CODE, nullable=False),
    Column("status", String(12), nullable=False),  # sent | accepted | rejected | done | revoked
    Column("sent_on", Date, nullable=False),
    Column("responded_on", Date),
    Column("closed_on", Date),
    Column("shared_fields", JSON, nullable=False),
    Column("sent_by", ID, nullable=False),
    Column("responded_by", ID),
    Column("reason", CODE),
    Index("ix_casework_referrals_to", "to_organisation_id", "status"),
)

casework_services = Table(
    "casework_services",
    metadata,
    Column("id", ID, primary_key=True),
    _case(),
    Column("referral_id", ID),
    Column("service", CODE, nullable=False),
    Column("provider_organisation_id", ID, nullable=False),
    Column("status", String(12), nullable=False),  # planned | delivered | cancelled
    Column("planned_on", Date, nullable=False),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("outcome", CODE),
    Column("recorded_by", ID, nullable=False),
)

casework_support_plans = Table(
    "casework_support_plans",
    metadata,
    Column("id", ID, primary_key=True),
    _case(),
    Column("type", CODE, nullable=False),  # HTCDS spl_Type
    Column("status", String(12), nullable=False),  # active | completed | cancelled
    Column("created_on", Date, nullable=False),
    Column("planned_end_date", Date),
    Column("actual_end_date", Date),
    Column("text_ciphertext", LargeBinary),  # spl_Objectives and spl_ActionPlan, AES-GCM like personal data
    Column("key_id", String(64)),
    Column("created_by", ID, nullable=False),
)

casework_risk_assessments = Table(
    "casework_risk_assessments",
    metadata,
    Column("id", ID, primary_key=True),
    _case(),
    Column("assessed_on", Date, nullable=False),
    Column("destination_country", String(3), nullable=False),
    Column("level", String(8), nullable=False),  # low | medium | high
    Column("assessed_by", ID, nullable=False),
)

CASEWORK_TABLES: tuple[Table, ...] = (
    casework_transitions, casework_deadlines, casework_requests, casework_referrals, casework_services,
    casework_support_plans, casework_risk_assessments,
)
