"""The case tables of the operational store (SQLAlchemy Core tables on the one ``Base.metadata``).

Layout, chosen for analysis and for bulk loading alike:

- ``persons`` holds only non-personal columns (sex, ages, citizenship, language, one column per vulnerability
  flag) plus ``personal_ciphertext``/``key_id``: names, birth date, contacts, documents and narratives are one
  AES-GCM-encrypted blob per person (see :mod:`ctkit.store.crypto`).
- ``cases`` holds statuses, dates, ``version`` (optimistic locking) and one column per means-of-control flag
  (``moc_<code>``), so profiles and cross-tabs need no joins.
- one child table per repeated part of a case, each with ``position`` so that lists round-trip in order.

Tri-state flags are stored as 'yes' / 'no' / 'unknown'; NULL means the flag was never recorded (also unknown).
Organisation references (``organisation_id``, ``to_organisation_id``...) carry no foreign key on purpose: cases
imported from partners name organisations that this store does not hold.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
)
from sqlalchemy.types import JSON

from ctkit.store.db import Base
from ctkit.store.perpetrator_tables import case_perpetrators, perpetrators
from ctkit.vocab import code_list

ID = String(36)  # UUID text: portable, and cheap to bulk-insert on both backends
CODE = String(40)
FLAG = String(7)  # 'yes' | 'no' | 'unknown'
COUNTRY = String(3)  # ISO 3166-1 alpha-3
REGION = String(6)  # ISO 3166-2, e.g. RU-KGD

metadata = Base.metadata

#: Means-of-control codes, in code-list order; ``cases`` has a ``moc_<code>`` column for each.
MEANS_OF_CONTROL: tuple[str, ...] = tuple(code_list("means_of_control"))
#: Vulnerability codes; ``persons`` has a ``vul_<code>`` column for each.
VULNERABILITIES: tuple[str, ...] = tuple(code_list("vulnerability"))


def moc_column(code: str) -> str:
    """Name of the ``cases`` column holding means-of-control flag ``code``."""
    return f"moc_{code}"


def vul_column(code: str) -> str:
    """Name of the ``persons`` column holding vulnerability flag ``code``."""
    return f"vul_{code}"


def _case_fk() -> Column:
    return Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)


organisations = Table(
    "organisations",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("type", CODE, nullable=False),
    Column("country", COUNTRY),
    Column("region", REGION),
    Column("services", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("capacity", Integer),
)

persons = Table(
    "persons",
    metadata,
    Column("id", ID, primary_key=True),
    Column("sex", CODE, nullable=False),
    Column("birth_year", Integer),
    Column("age_years", Integer),
    Column("age_reference_date", Date),
    Column("citizenship", COUNTRY),  # the first (main) citizenship, for analysis
    Column("other_citizenships", String(80)),  # further alpha-3 codes, space-separated, in order
    Column("language", String(8)),
    *[Column(vul_column(code), FLAG) for code in VULNERABILITIES],
    Column("personal_ciphertext", LargeBinary),  # AES-256-GCM of PersonalData JSON; NULL when empty
    Column("key_id", String(64)),
)

cases = Table(
    "cases",
    metadata,
    Column("id", ID, primary_key=True),
    Column("person_id", ID, ForeignKey("persons.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("organisation_id", ID, index=True),
    Column("registered_on", Date, nullable=False, index=True),
    Column("identification_status", CODE, nullable=False),
    Column("case_status", CODE, nullable=False),
    Column("justice_status", CODE, nullable=False),
    Column("is_abduction", FLAG, nullable=False),
    Column("recruiter_relation", CODE),
    Column("source", String(80)),
    Column("version", Integer, nullable=False),
    *[Column(moc_column(code), FLAG) for code in MEANS_OF_CONTROL],
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", ID, primary_key=True),
    _case_fk(),
    Column("position", Integer, nullable=False),
    Column("type", CODE, nullable=False),
    Column("country", COUNTRY),
    Column("region", REGION),
    Column("place", String(200)),
    Column("start_date", Date),
    Column("end_date", Date),
    Index("ix_case_events_case_id", "case_id"),
)

case_exploitations = Table(
    "case_exploitations",
    metadata,
    _case_fk(),
    Column("position", Integer, nullable=False),
    Column("form", CODE, nullable=False),
    Column("sector", CODE),
    PrimaryKeyConstraint("case_id", "position"),
)

case_recruitment_methods = Table(
    "case_recruitment_methods",
    metadata,
    _case_fk(),
    Column("position", Integer, nullable=False),
    Column("method", CODE, nullable=False),
    PrimaryKeyConstraint("case_id", "position"),
)

case_lifecycle = Table(
    "case_lifecycle",
    metadata,
    _case_fk(),
    Column("position", Integer, nullable=False),
    Column("stage", CODE, nullable=False),
    Column("on_date", Date, nullable=False),
    Column("outcome", String(40)),
    PrimaryKeyConstraint("case_id", "position"),
)

case_recorded_by = Table(
    "case_recorded_by",
    metadata,
    _case_fk(),
    Column("position", Integer, nullable=False),
    Column("agency", CODE, nullable=False),
    PrimaryKeyConstraint("case_id", "position"),
)

referrals = Table(
    "referrals",
    metadata,
    Column("id", ID, primary_key=True),
    _case_fk(),
    Column("position", Integer, nullable=False),
    Column("to_organisation_id", ID, nullable=False),
    Column("service", CODE, nullable=False),
    Column("status", String(20), nullable=False),
    Column("sent_on", Date, nullable=False),
    Column("closed_on", Date),
    Index("ix_referrals_case_id", "case_id"),
)

assistance = Table(
    "assistance",
    metadata,
    Column("id", ID, primary_key=True),
    _case_fk(),
    Column("position", Integer, nullable=False),
    Column("service", CODE, nullable=False),
    Column("provider_organisation_id", ID),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("outcome", String(200)),
    Index("ix_assistance_case_id", "case_id"),
)

consents = Table(
    "consents",
    metadata,
    Column("id", ID, primary_key=True),
    _case_fk(),
    Column("position", Integer, nullable=False),
    Column("purpose", CODE, nullable=False),
    Column("organisation_id", ID),
    Column("given_on", Date, nullable=False),
    Column("language", String(8)),
    Column("interpreter_used", FLAG, nullable=False),
    Column("explained_by", String(100)),
    Column("withdrawn_on", Date),
    Index("ix_consents_case_id", "case_id"),
)

proceedings = Table(
    "proceedings",
    metadata,
    Column("id", ID, primary_key=True),
    _case_fk(),
    Column("position", Integer, nullable=False),
    Column("perpetrator_id", ID, ForeignKey("perpetrators.id", ondelete="RESTRICT")),
    Column("perpetrator_ref", String(40)),  # case-local reference of records older than perpetrator_id
    Column("status", CODE, nullable=False),
    Column("victim_role", String(20)),
    Column("non_punishment", FLAG, nullable=False),
    Column("reported_on", Date),
    Column("investigation_on", Date),
    Column("prosecution_on", Date),
    Column("verdict_on", Date),
    Column("sentence_months", Integer),
    Column("compensation_awarded", FLAG, nullable=False),
    Index("ix_proceedings_case_id", "case_id"),
    Index("ix_proceedings_perpetrator_id", "perpetrator_id"),
)

screenings = Table(
    "screenings",
    metadata,
    Column("id", ID, primary_key=True),
    _case_fk(),
    Column("position", Integer, nullable=False),
    Column("screened_on", Date, nullable=False),
    Column("catalogue_id", String(80), nullable=False),
    Column("catalogue_version", String(40), nullable=False),
    Column("catalogue_status", String(40), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("sets", JSON, nullable=False),
    Column("answers", JSON, nullable=False),
    Column("means_of_control", JSON, nullable=False),
    Column("exploitation", JSON, nullable=False),
    Index("ix_screenings_case_id", "case_id"),
)

#: Child tables of ``cases`` in insert order (all cascade on case delete).
CASE_CHILD_TABLES: tuple[Table, ...] = (
    case_events,
    case_exploitations,
    case_recruitment_methods,
    case_lifecycle,
    case_recorded_by,
    referrals,
    assistance,
    consents,
    case_perpetrators,  # before proceedings, which name the perpetrators
    proceedings,
    screenings,
)
#: Every case table in insert order (parents first); delete in reverse.
#: ``perpetrators`` are shared by cases and upserted like ``persons``.
CASE_TABLES: tuple[Table, ...] = (organisations, persons, perpetrators, cases, *CASE_CHILD_TABLES)
