"""Perpetrator fixtures: the store tests' engines (SQLite and PostgreSQL) and a synthetic small network."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ctkit.model import CasePerpetrator, IdentityDocument, LegalProceeding, Perpetrator, PerpetratorPersonalData
from ctkit.store.crypto import FieldCipher
from ctkit.store.repository import SqlCaseRepository
from tests.pg import BACKENDS, migrated_engine
from tests.store.conftest import full_case, make_ring

SURNAME = "Вишневецкий"  # synthetic
ALIAS = "Kapitan Zbyszek"  # synthetic


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path: Path) -> Iterator[Engine]:
    yield from migrated_engine(request, tmp_path)


@pytest.fixture
def repo(engine: Engine) -> SqlCaseRepository:
    return SqlCaseRepository(engine, FieldCipher(make_ring()))


def recruiter(**overrides) -> Perpetrator:
    values = dict(personal=PerpetratorPersonalData(
        first_name="Олег", last_name=SURNAME, aliases=[ALIAS], birth_date=date(1981, 2, 3),
        documents=[IdentityDocument(kind="passport", number="27 11 556677", issuing_country="RUS")],
        notes="Runs a modelling agency front."), sex="male", birth_year=1981, citizenship=["RUS", "POL"])
    values.update(overrides)
    return Perpetrator(**values)


def case_with(*links: CasePerpetrator, proceedings: list[LegalProceeding] | None = None, **overrides):
    return full_case(perpetrators=list(links), proceedings=proceedings or [], **overrides)
