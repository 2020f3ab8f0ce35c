"""Perpetrator tables: ``perpetrators`` (one row per person, shared by cases) and ``case_perpetrators`` (who is
on which case, in which roles). ``proceedings.perpetrator_id`` (in :mod:`ctkit.store.tables`) points here.

Like ``persons``, ``perpetrators`` holds only sex, birth year and citizenship in clear; names, aliases, birth
date, documents and notes are one AES-GCM blob (``personal_ciphertext``) under the store's field cipher.
Rows are bound to their id by the associated data (see :func:`ctkit.store.perpetrators.aad_id`).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, PrimaryKeyConstraint, String, Table
from sqlalchemy.types import JSON

from ctkit.store.db import Base

_ID = String(36)

perpetrators = Table(
    "perpetrators",
    Base.metadata,
    Column("id", _ID, primary_key=True),
    Column("organisation_id", _ID, index=True),
    Column("sex", String(40), nullable=False),
    Column("birth_year", Integer),
    Column("citizenship", String(3)),  # the first (main) citizenship, for the offender counts
    Column("other_citizenships", String(80)),  # further alpha-3 codes, space-separated, in order
    Column("personal_ciphertext", LargeBinary),  # AES-256-GCM of PerpetratorPersonalData JSON; NULL when empty
    Column("key_id", String(64)),
)

case_perpetrators = Table(
    "case_perpetrators",
    Base.metadata,
    Column("case_id", _ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("perpetrator_id", _ID, ForeignKey("perpetrators.id", ondelete="RESTRICT"), nullable=False),
    Column("roles", JSON, nullable=False),  # perpetrator_role codes, in the order recorded
    Column("label", String(40)),
    PrimaryKeyConstraint("case_id", "position"),
    Index("ix_case_perpetrators_perpetrator_id", "perpetrator_id"),
)
