"""Perpetrators in the store: round trip, sharing across cases, encryption at rest, rotation, migration 0008."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from ctkit.errors import KeyMaterialError
from ctkit.model import CasePerpetrator, LegalProceeding, Perpetrator
from ctkit.settings import load_settings
from ctkit.store import migrate
from ctkit.store import tables as t
from ctkit.store.crypto import FieldCipher
from ctkit.store.datastore import init_store, open_store
from ctkit.store.repository import SqlCaseRepository
from ctkit.store.rotation import rotate_keys
from tests.store.conftest import make_ring

from .conftest import ALIAS, SURNAME, case_with, recruiter


def test_round_trip_and_proceeding_link(repo: SqlCaseRepository):
    boss = recruiter()
    driver = Perpetrator(sex="male", citizenship=["LTU"])
    case = case_with(CasePerpetrator(perpetrator=boss, roles=["recruiter_or_intermediary", "exploiter"], label="P1"),
                     CasePerpetrator(perpetrator=driver, roles=["transporter"]),
                     proceedings=[LegalProceeding(perpetrator_id=boss.id, status="prosecution",
                                                  reported_on=date(2024, 3, 5), prosecution_on=date(2024, 9, 1))])
    repo.add(case)
    again = repo.get(case.id)
    assert again == case
    assert again.perpetrators[0].perpetrator.personal.aliases == [ALIAS]
    assert again.proceedings[0].perpetrator_id == boss.id


def test_one_perpetrator_on_several_cases_is_one_row(repo: SqlCaseRepository, engine: Engine):
    boss = recruiter()
    cases = [case_with(CasePerpetrator(perpetrator=boss, roles=["exploiter"])) for _ in range(3)]
    repo.add_many(cases[:2])
    repo.add(cases[2])  # a later transaction: the stored perpetrator is updated, not inserted twice
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.perpetrators)).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(t.case_perpetrators)).scalar_one() == 3
    moved = boss.model_copy(update={"citizenship": ["DEU"]})
    first = repo.get(cases[0].id)
    first.perpetrators = [CasePerpetrator(perpetrator=moved, roles=["exploiter", "controlled_individual"])]
    repo.update(first, repo.version(first.id))
    assert repo.get(cases[1].id).perpetrators[0].perpetrator.citizenship == ["DEU"]
    assert repo.get(cases[0].id).perpetrators[0].roles == ["exploiter", "controlled_individual"]


def test_ciphertext_bound_to_perpetrator_namespace(repo: SqlCaseRepository, engine: Engine):
    boss = recruiter()
    case = case_with(CasePerpetrator(perpetrator=boss))
    repo.add(case)
    with engine.begin() as conn:
        blob = conn.execute(select(t.perpetrators.c.personal_ciphertext)).scalar_one()
        # the same bytes on the victim's row (same key) must not decrypt as that person's data
        conn.execute(t.persons.update().where(t.persons.c.id == case.person.id).values(personal_ciphertext=blob))
    with pytest.raises(KeyMaterialError, match=f"person {case.person.id}"):
        repo.get(case.id)


def test_raw_sqlite_file_holds_no_perpetrator_data(tmp_path: Path):
    settings = load_settings(tmp_path, environ={})
    init_store(settings)
    with open_store(settings) as store:
        store.cases.add_many([case_with(CasePerpetrator(perpetrator=recruiter(), roles=["exploiter"]))
                              for _ in range(10)])
        assert store.cases.get(store.cases.list_ids()[0]).perpetrators[0].perpetrator.personal.last_name == SURNAME
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("ctkit.sqlite3"))
    assert b"case_perpetrators" in raw  # the perpetrator tables are in these bytes: the check below is not vacuous
    for secret in (SURNAME, "Олег", ALIAS, "27 11 556677", "modelling agency"):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(encoding) not in raw, secret


def test_key_rotation_re_encrypts_perpetrators(tmp_path: Path):
    settings = load_settings(tmp_path, environ={})
    init_store(settings)
    with open_store(settings) as store:
        case = case_with(CasePerpetrator(perpetrator=recruiter()))
        store.cases.add(case)
        old = store.cipher.active_id
        rotate_keys(store.engine, store.keys)
    with open_store(settings) as store:
        assert store.cipher.active_id != old
        assert store.cases.get(case.id).perpetrators[0].perpetrator.personal.last_name == SURNAME
        with store.engine.connect() as conn:
            assert conn.execute(select(t.perpetrators.c.key_id)).scalar_one() == store.cipher.active_id


def test_migration_maps_old_references_to_perpetrators(engine: Engine):
    """Proceedings written before 0008 (case-local references) get one perpetrator per case and reference."""
    from alembic import command

    config = migrate.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")
    repo = SqlCaseRepository(engine, FieldCipher(make_ring()))
    ids = [str(uuid.uuid4()) for _ in range(2)]
    with engine.begin() as conn:
        for n, case_id in enumerate(ids):
            person_id = str(uuid.uuid4())
            conn.execute(text("INSERT INTO persons (id, sex) VALUES (:id, 'female')"), {"id": person_id})
            conn.execute(text(
                "INSERT INTO cases (id, person_id, organisation_id, registered_on, identification_status, case_status,"
                " justice_status, is_abduction, version) VALUES (:id, :p, 'org', :d, 'screened', 'open',"
                " 'prosecution', 'unknown', 1)"), {"id": case_id, "p": person_id, "d": date(2024, 1, n + 1)})
            for pos, ref in enumerate(["P1", "P2", "P1"]):
                conn.execute(text(
                    "INSERT INTO proceedings (id, case_id, position, perpetrator_ref, status, non_punishment,"
                    " compensation_awarded) VALUES (:id, :c, :pos, :ref, 'reported', 'unknown', 'unknown')"),
                    {"id": str(uuid.uuid4()), "c": case_id, "pos": pos, "ref": ref})
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.perpetrators)).scalar_one() == 4  # never merged
    for case_id in ids:
        case = repo.get(case_id)
        assert [p.label for p in case.perpetrators] == ["P1", "P2"]
        by_label = {p.label: p.perpetrator.id for p in case.perpetrators}
        assert [p.perpetrator_id for p in case.proceedings] == [by_label["P1"], by_label["P2"], by_label["P1"]]
        assert all(p.perpetrator.organisation_id == "org" and p.perpetrator.sex == "unknown"
                   for p in case.perpetrators)
    with engine.begin() as conn:  # and back: the references survive a downgrade
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")
        refs = conn.execute(text("SELECT perpetrator_ref FROM proceedings ORDER BY case_id, position")).scalars()
        assert sorted(refs) == ["P1", "P1", "P1", "P1", "P2", "P2"]
