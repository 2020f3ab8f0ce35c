"""Store fixtures: every store test runs on SQLite and on PostgreSQL (a fresh schema per test)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ctkit.model import (
    Assistance,
    Case,
    Consent,
    Exploitation,
    IdentityDocument,
    LegalProceeding,
    LifecycleEvent,
    Person,
    PersonalData,
    Recruitment,
    Referral,
    ScreeningResult,
    TraffickingEvent,
    TriState,
)
from ctkit.store.crypto import FieldCipher, KeyRing, key_fingerprint, new_key
from ctkit.store.repository import SqlCaseRepository
from tests.pg import BACKENDS, migrated_engine


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty store database: a SQLite file, or a fresh schema on the test PostgreSQL server."""
    yield from migrated_engine(request, tmp_path)


def make_ring() -> KeyRing:
    key = new_key()
    return KeyRing(key_fingerprint(key), {key_fingerprint(key): key})


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(make_ring())


@pytest.fixture
def repo(engine: Engine, cipher: FieldCipher) -> SqlCaseRepository:
    return SqlCaseRepository(engine, cipher)


def full_case(name: str = "Анастасия", **overrides) -> Case:
    """A case with every part filled in (personal data included), for round trips."""
    person = Person(
        personal=PersonalData(
            first_name=name, last_name="Кузнецова", birth_date=date(1999, 4, 2), phone="+7 900 000 00 00",
            address="ул. Примерная, 1", documents=[IdentityDocument(kind="passport", number="4500 123456",
                                                                    issuing_country="RUS")],
            narrative="Recruited through a false job offer in a cafe.",
        ),
        sex="female", birth_year=1999, citizenship=["RUS", "UKR"], primary_language="ru",
        vulnerabilities={"poverty": TriState.yes, "addiction": TriState.no, "disability": TriState.unknown},
    )
    values = dict(
        person=person,
        organisation_id=str(uuid.uuid4()),
        registered_on=date(2024, 3, 1),
        identification_status="reasonable_grounds",
        case_status="active",
        justice_status="investigation",
        events=[
            TraffickingEvent(type="recruitment", country="RUS", region="RU-KGD", place="Kaliningrad",
                             start_date=date(2023, 5, 1)),
            TraffickingEvent(type="transit", country="POL", start_date=date(2023, 6, 1), end_date=date(2023, 6, 2)),
            TraffickingEvent(type="exploitation", country="DEU", start_date=date(2023, 6, 3)),
        ],
        exploitations=[Exploitation(form="sexual", sector="sex_industry"), Exploitation(form="forced_labour")],
        recruitment=Recruitment(methods=["false_job_offer", "personal_contact"], recruiter_relation="acquaintance"),
        means_of_control={"withholds_documents": TriState.yes, "debt_bondage": TriState.no,
                          "physical_abuse": TriState.unknown},
        is_abduction=TriState.no,
        lifecycle=[LifecycleEvent(stage="screened", on=date(2024, 3, 1)),
                   LifecycleEvent(stage="reasonable_grounds", on=date(2024, 3, 10), outcome="positive")],
        recorded_by=["ngo", "police"],
        referrals=[Referral(to_organisation_id=str(uuid.uuid4()), service="shelter", sent_on=date(2024, 3, 2))],
        assistance=[Assistance(service="medical", start_date=date(2024, 3, 3), end_date=date(2024, 4, 1))],
        consents=[Consent(purpose="assistance", given_on=date(2024, 3, 1), language="ru",
                          interpreter_used=TriState.no)],
        proceedings=[LegalProceeding(status="investigation", reported_on=date(2024, 3, 5),
                                     investigation_on=date(2024, 3, 20), non_punishment=TriState.yes)],
        screenings=[ScreeningResult(screened_on=date(2024, 3, 1), catalogue_id="ilo-ec-2009", catalogue_version="1",
                                    catalogue_status="draft", outcome="refer", sets={"adult_sexual": "strong"},
                                    answers={"q1": "yes"}, means_of_control=["withholds_documents"],
                                    exploitation=["sexual"])],
        source="test",
    )
    values.update(overrides)
    return Case(**values)
