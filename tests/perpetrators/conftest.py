"""Perpetrator fixtures: the store tests' engines (SQLite and PostgreSQL) and a synthetic small network."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ctkit.analyse import PseudonymKey
from ctkit.analyse.from_store import build_snapshot
from ctkit.analyse.snapshot import Snapshot
from ctkit.model import CasePerpetrator, IdentityDocument, LegalProceeding, Perpetrator, PerpetratorPersonalData
from ctkit.settings import load_settings
from ctkit.store.crypto import FieldCipher
from ctkit.store.datastore import init_store, open_store
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


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    """A store holding the offender tests' hand-made cases (known counts), and its snapshot."""
    from tests.perpetrators.test_official import hand_cases  # the cases sit beside the counts they give

    settings = load_settings(tmp_path_factory.mktemp("offenders") / "data", environ={})
    init_store(settings)
    with open_store(settings) as store:
        store.cases.add_many(hand_cases())
        build_snapshot(store.engine, PseudonymKey.load_or_create(settings.data_dir)).write(
            settings.data_dir / "snapshot")
    return settings.data_dir


@pytest.fixture(scope="module")
def snap(store_dir: Path) -> Snapshot:
    return Snapshot.open(store_dir / "snapshot")
