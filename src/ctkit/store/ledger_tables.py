"""The privacy-budget ledger: the agreed total budget of each data set and every release charged against it.

A differentially private release composes with every earlier release of the same data set, so the ledger is the
one place that can refuse a release that would exceed the agreed total. Rows hold parameters and ids only.
``accounting`` says how a budget's releases add up (``zcdp`` or ``basic``, see ctkit.share.disclosure.accounting);
``rho`` is a Gaussian release's zCDP parameter (NULL for pure and other approximate-DP releases).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, Index, String, Table
from sqlalchemy.types import JSON

from ctkit.store.db import Base

privacy_budgets = Table(
    "privacy_budgets",
    Base.metadata,
    Column("dataset", String(120), primary_key=True),
    Column("epsilon", Float, nullable=False),
    Column("delta", Float, nullable=False),
    Column("accounting", String(16), nullable=False, server_default="zcdp"),
    Column("set_at", DateTime(timezone=True), nullable=False),
    Column("set_by", String(36), nullable=True),
)

privacy_releases = Table(
    "privacy_releases",
    Base.metadata,
    Column("id", String(36), primary_key=True),
    Column("dataset", String(120), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("epsilon", Float, nullable=False),
    Column("delta", Float, nullable=False),
    Column("rho", Float, nullable=True),
    Column("mechanism", String(80), nullable=False),
    Column("product", String(80), nullable=False),
    Column("parameters", JSON, nullable=False),
    Column("actor_id", String(36), nullable=True),
    Index("ix_privacy_releases_dataset", "dataset"),
)
