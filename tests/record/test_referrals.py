"""Referrals, consent, assistance and concurrency through the record services with the real policy."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from ctkit.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from ctkit.model import TriState
from ctkit.record import consent, directory, lifecycle, referrals, support
from ctkit.store.casework_tables import casework_referrals
from tests.record.conftest import CLINIC, NGO, SHELTER, TODAY

ON = date(2025, 4, 1)


def _with_consent(desk, to=SHELTER) -> tuple[str, str]:
    case_id = desk.new_case(case_status="active", identification_status="reasonable_grounds")
    consent_id = consent.record(desk.cw, desk.who("worker_a"), case_id, purpose="sharing", given_on=ON,
                                organisation_id=to, language="ru", interpreter_used=TriState.yes,
                                explained_by="worker_a")
    return case_id, consent_id


def _referrals(desk, case_id: str) -> int:
    with desk.store.engine.connect() as conn:
        return conn.execute(select(func.count()).where(casework_referrals.c.case_id == case_id)).scalar()


def test_directory_search(desk):
    with desk.store.engine.connect() as conn:
        assert [p.name for p in directory.search(conn, service="shelter", language="ru")] == ["Safe House"]
        assert [p.id for p in directory.search(conn, region="RU-KGD")] == [NGO, SHELTER]
        assert directory.search(conn, service="medical", with_free_places=True) == []


def test_referral_story_with_minimisation_and_withdrawal(any_desk):
    desk = any_desk
    case_id, consent_id = _with_consent(desk)
    worker, receiver = desk.who("worker_a"), desk.who("worker_b")
    with pytest.raises(ValidationError, match="shared_fields: narrative not needed for shelter"):
        referrals.send(desk.cw, worker, case_id, to_organisation=SHELTER, service="shelter",
                       shared_fields=["first_name", "narrative"])
    rid = referrals.send(desk.cw, worker, case_id, to_organisation=SHELTER, service="shelter",
                         shared_fields=["first_name"], on=ON)
    # Before acceptance the receiving side sees the inbox line only: no case id, no packet, no case file.
    with desk.store.engine.connect() as conn:
        (line,) = [r for r in referrals.inbox(conn, SHELTER) if r["id"] == rid]
    assert line["case_id"] is None and line["service"] == "shelter"
    with pytest.raises(ConflictError, match="status: the referral is sent"):
        referrals.packet(desk.cw, receiver, rid)
    with pytest.raises(NotFoundError):
        receiver.authorize("case.view", __import__("ctkit.record", fromlist=["Target"]).Target(case_id))
    with pytest.raises(PermissionDenied):
        referrals.move(desk.cw, desk.who("worker_c"), rid, "accept")
    assert referrals.move(desk.cw, receiver, rid, "accept") == "accepted"
    packet = referrals.packet(desk.cw, receiver, rid)
    assert set(packet) == {"referral_id", "service", "sex", "age_years", "citizenship", "language", "first_name"}
    support.record_service(desk.cw, receiver, case_id, service="shelter", start_date=ON, referral_id=rid,
                           outcome="completed")
    assert referrals.move(desk.cw, receiver, rid, "done") == "done"
    case = desk.store.cases.get(case_id)
    assert [(r.status, r.to_organisation_id) for r in case.referrals] == [("done", SHELTER)]
    assert case.assistance[0].provider_organisation_id == SHELTER and case.stage_date("assisted") == ON
    consent.withdraw(desk.cw, worker, case_id, consent_id)
    with pytest.raises(ConflictError, match="consent: the person has not consented"):
        referrals.send(desk.cw, worker, case_id, to_organisation=SHELTER, service="psychological",
                       shared_fields=["first_name"])
    assert _referrals(desk, case_id) == 1


def test_withdrawal_stops_acceptance_and_packet_at_once(desk):
    case_id, consent_id = _with_consent(desk)
    rid = referrals.send(desk.cw, desk.who("worker_a"), case_id, to_organisation=SHELTER, service="shelter",
                         shared_fields=["first_name"])
    consent.withdraw(desk.cw, desk.who("worker_a"), case_id, consent_id)
    with pytest.raises(ConflictError, match="consent"):
        referrals.move(desk.cw, desk.who("worker_b"), rid, "accept")
    with pytest.raises(ConflictError, match="already withdrawn"):
        consent.withdraw(desk.cw, desk.who("worker_a"), case_id, consent_id)
    assert referrals.move(desk.cw, desk.who("worker_a"), rid, "revoke") == "revoked"
    with pytest.raises(ConflictError, match="status: cannot accept a referral that is revoked"):
        referrals.move(desk.cw, desk.who("worker_b"), rid, "accept")


def test_refusals_name_the_field_and_write_nothing(desk):
    case_id, _ = _with_consent(desk)
    worker = desk.who("worker_a")
    cases = [
        (dict(to_organisation=SHELTER, service="medical", shared_fields=[]), "service: the organisation does not"),
        (dict(to_organisation=NGO, service="legal_aid", shared_fields=[]), "to_organisation: must be another"),
        (dict(to_organisation="0c000000-0000-4000-8000-0000000000ff", service="shelter", shared_fields=[]),
         "to_organisation: not in the service directory"),
        (dict(to_organisation=SHELTER, service="spa", shared_fields=[]), "service: must be one of"),
    ]
    for kwargs, message in cases:
        with pytest.raises((ValidationError, ConflictError, NotFoundError), match=message):
            referrals.send(desk.cw, worker, case_id, **kwargs)
    with pytest.raises(NotFoundError):  # another organisation's supervisor: the case does not exist for them
        referrals.send(desk.cw, desk.who("supervisor_b"), case_id, to_organisation=SHELTER, service="shelter",
                       shared_fields=[])
    assert _referrals(desk, case_id) == 0


def test_clinic_without_capacity_is_refused(desk):
    case_id, _ = _with_consent(desk, to=CLINIC)
    with pytest.raises(ConflictError, match="to_organisation: no free places"):
        referrals.send(desk.cw, desk.who("worker_a"), case_id, to_organisation=CLINIC, service="medical",
                       shared_fields=[])


def test_return_needs_a_risk_assessment_that_is_not_high(desk):
    with desk.store.engine.begin() as conn:
        directory.register(conn, __import__("ctkit.model", fromlist=["Organisation"]).Organisation(
            id="0c000000-0000-4000-8000-00000000000d", name="IOM office", services=["return_reintegration"]))
    iom = "0c000000-0000-4000-8000-00000000000d"
    case_id, _ = _with_consent(desk, to=iom)
    worker = desk.who("worker_a")
    kwargs = dict(to_organisation=iom, service="return_reintegration", shared_fields=["first_name"])
    with pytest.raises(ConflictError, match="risk_assessment: a return needs a risk assessment first"):
        referrals.send(desk.cw, worker, case_id, **kwargs)
    support.assess_return_risk(desk.cw, worker, case_id, assessed_on=ON, destination_country="UKR", level="high")
    with pytest.raises(ConflictError, match="high risk"):
        referrals.send(desk.cw, worker, case_id, **kwargs)
    support.assess_return_risk(desk.cw, worker, case_id, assessed_on=date(2025, 5, 1), destination_country="UA",
                               level="low")
    assert referrals.send(desk.cw, worker, case_id, **kwargs)


def test_transfer_moves_responsibility_on_acceptance(desk):
    case_id, _ = _with_consent(desk)
    rid = referrals.send(desk.cw, desk.who("worker_a"), case_id, to_organisation=SHELTER, service="shelter",
                         shared_fields=[], kind="transfer")
    assert desk.store.cases.get(case_id).organisation_id == NGO
    referrals.move(desk.cw, desk.who("supervisor_b"), rid, "accept")
    assert desk.store.cases.get(case_id).organisation_id == SHELTER


def test_assistance_never_depends_on_cooperation(desk):
    """A person who refuses to cooperate with the police (law-enforcement consent withdrawn, no report) still
    gets every service; and no transition or service reads the justice track."""
    case_id = desk.new_case(case_status="active")
    worker = desk.who("worker_a")
    le = consent.record(desk.cw, worker, case_id, purpose="law_enforcement", given_on=ON)
    consent.withdraw(desk.cw, worker, case_id, le)
    support.record_service(desk.cw, worker, case_id, service="legal_aid", start_date=ON)
    support.record_service(desk.cw, worker, case_id, service="psychological", start_date=TODAY, planned=True)
    case = desk.store.cases.get(case_id)
    assert case.justice_status == "none" and [a.service for a in case.assistance] == ["legal_aid"]
    import ast
    import inspect

    for module in (support, referrals, consent):
        names = {n.attr for n in ast.walk(ast.parse(inspect.getsource(module))) if isinstance(n, ast.Attribute)}
        assert not names & {"justice_status", "proceedings"}, module.__name__


def test_support_plan_text_is_encrypted_and_revealed_with_audit(desk):
    case_id = desk.new_case()
    worker = desk.who("worker_a")
    plan = support.add_support_plan(desk.cw, worker, case_id, plan_type="health", created_on=ON,
                                    planned_end_date=date(2025, 9, 1), objectives="CANARYq7Zx goal")
    with pytest.raises(ValidationError, match="plan_type"):
        support.add_support_plan(desk.cw, worker, case_id, plan_type="spa", created_on=ON)
    from pathlib import Path

    db = Path(desk.store.engine.url.database)
    for file in (db, db.with_name(db.name + "-wal")):  # WAL mode: fresh pages sit in the -wal file
        assert not file.exists() or b"CANARYq7Zx goal" not in file.read_bytes()
    assert support.support_plan_text(desk.cw, worker, case_id, plan)["objectives"] == "CANARYq7Zx goal"
    support.complete_support_plan(desk.cw, worker, case_id, plan, date(2025, 5, 1))
    with desk.store.engine.connect() as conn:
        assert support.plans_of(conn, case_id)[0]["status"] == "completed"


def test_two_users_editing_the_same_case_conflict(any_desk):
    """Both read version 1; the second save is refused (never a lost update) and the first one stays."""
    desk = any_desk
    case_id = desk.new_case(case_status="open")
    lifecycle.apply(desk.cw, desk.who("worker_a"), case_id, "case", "activate", {"on": ON}, expected_version=1)
    with pytest.raises(ConflictError, match="changed by someone else"):
        consent.record(desk.cw, desk.who("supervisor_a"), case_id, purpose="statistics", given_on=ON,
                       expected_version=1)
    case = desk.store.cases.get(case_id)
    assert case.case_status == "active" and case.consents == [] and desk.store.cases.version(case_id) == 2


def test_concurrent_writers_in_threads_never_lose_an_update(any_desk):
    """Eight threads each record a consent on the same case; every save either lands or raises a conflict."""
    desk = any_desk
    import threading

    case_id = desk.new_case()
    outcomes: list[str] = []

    def one(i: int) -> None:
        try:
            consent.record(desk.cw, desk.who("worker_a"), case_id, purpose="statistics", given_on=ON)
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    case = desk.store.cases.get(case_id)
    assert len(case.consents) == outcomes.count("ok") >= 1
    assert desk.store.cases.version(case_id) == 1 + outcomes.count("ok")
