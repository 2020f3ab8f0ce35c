"""State-machine tests generated from data/lifecycle.yaml: every allowed transition with its required fields
succeeds through the real service (store, policy, audit); every other (state, action) pair and every missing
field is refused with a message naming the field, and nothing is written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from ctkit.errors import ConflictError, PermissionDenied, ValidationError
from ctkit.model import LegalProceeding
from ctkit.record import lifecycle, machines
from ctkit.store.audit import audit_events
from ctkit.store.casework_tables import casework_transitions
from tests.record.conftest import REGISTERED, SHELTER

ON = date(2025, 4, 1)
FIELDS = {"on": ON, "reason": "credible_account", "perpetrator_ref": "P2", "to_organisation": SHELTER}
ROLE = {"case.edit": "worker_a", "case.decide": "supervisor_a"}

ALLOWED = [(m.name, t.action, s) for m in machines().values() for t in m.transitions.values() for s in t.sources]
REFUSED = [(m.name, a, s) for m in machines().values() for s in m.states() for a in m.transitions
           if s not in m.transitions[a].sources]
MISSING = [(m.name, t.action, t.sources[0], f) for m in machines().values() for t in m.transitions.values()
           for f in t.requires]


def _case_in(desk, machine: str, state: str) -> tuple[str, str | None]:
    """A new case whose ``machine`` is in ``state`` (justice: a proceeding in that state, or none)."""
    if machine == "justice":
        if state == "none":
            return desk.new_case(), None
        p = LegalProceeding(status=state, reported_on=REGISTERED)
        return desk.new_case(proceedings=[p], justice_status=state), p.id
    return desk.new_case(**{machines()[machine].field: state}), None


def _written(desk, case_id: str) -> tuple[int, int, int]:
    with desk.store.engine.connect() as conn:
        rows = conn.execute(select(func.count()).where(casework_transitions.c.case_id == case_id)).scalar()
        audits = conn.execute(select(func.count()).where(audit_events.c.resource_id == case_id,
                                                         audit_events.c.outcome == "allowed")).scalar()
    return desk.store.cases.version(case_id), rows, audits


@pytest.mark.parametrize(("machine", "action", "state"), ALLOWED, ids=["-".join(x) for x in ALLOWED])
def test_every_allowed_transition(any_desk, machine: str, action: str, state: str):
    desk = any_desk
    case_id, proceeding = _case_in(desk, machine, state)
    t = machines()[machine].transitions[action]
    fields = {f: FIELDS[f] for f in t.requires}
    version = lifecycle.apply(desk.cw, desk.who(ROLE[t.permission]), case_id, machine, action, fields,
                              expected_version=1, proceeding_id=proceeding)
    case = desk.store.cases.get(case_id)
    assert version == 2
    if machine == "justice":
        assert case.proceedings[-1].status == t.to and case.justice_status == t.to
    else:
        assert getattr(case, machines()[machine].field) == t.to
    if t.stage:
        assert case.stage_date(t.stage) == ON
    assert _written(desk, case_id)[1:] == (1, 1)


@pytest.mark.parametrize(("machine", "action", "state"), REFUSED, ids=["-".join(x) for x in REFUSED])
def test_every_illegal_transition_is_refused(desk, machine: str, action: str, state: str):
    case_id, proceeding = _case_in(desk, machine, state)
    t = machines()[machine].transitions[action]
    with pytest.raises(ConflictError) as err:
        lifecycle.apply(desk.cw, desk.who("supervisor_a"), case_id, machine, action,
                        {f: FIELDS[f] for f in t.requires}, proceeding_id=proceeding)
    assert err.value.message.startswith(f"{machines()[machine].field}: {action} is not allowed from '{state}'")
    assert _written(desk, case_id) == (1, 0, 0)


@pytest.mark.parametrize(("machine", "action", "state", "missing"), MISSING, ids=["-".join(x) for x in MISSING])
def test_missing_required_field_is_named(desk, machine: str, action: str, state: str, missing: str):
    case_id, proceeding = _case_in(desk, machine, state)
    t = machines()[machine].transitions[action]
    fields = {f: FIELDS[f] for f in t.requires if f != missing}
    with pytest.raises(ValidationError) as err:
        lifecycle.apply(desk.cw, desk.who(ROLE[t.permission]), case_id, machine, action, fields,
                        proceeding_id=proceeding)
    assert err.value.message.startswith(f"{missing}: required for {action}")
    assert _written(desk, case_id) == (1, 0, 0)


def test_decisions_need_a_supervisor_and_closing_needs_approval(desk):
    case_id = desk.new_case(identification_status="possible_victim", case_status="active")
    with pytest.raises(PermissionDenied):
        lifecycle.apply(desk.cw, desk.who("worker_a"), case_id, "identification", "rg_positive",
                        {"on": ON, "reason": "credible_account"})
    with pytest.raises(PermissionDenied):
        lifecycle.apply(desk.cw, desk.who("worker_a"), case_id, "case", "close", {"on": ON, "reason": "other"})
    request = lifecycle.request_closure(desk.cw, desk.who("worker_a"), case_id, ON, "assistance_completed")
    with pytest.raises(ConflictError, match="already waiting"):
        lifecycle.request_closure(desk.cw, desk.who("worker_a"), case_id, ON, "assistance_completed")
    from ctkit.record import views

    with desk.store.engine.connect() as conn:
        queue = views.decisions_queue(conn, desk.users["supervisor_a"].organisation_id)
    assert any(q["request_id"] == request for q in queue)
    lifecycle.apply(desk.cw, desk.who("supervisor_a"), case_id, "case", "close",
                    {"on": ON, "reason": "assistance_completed"})
    with desk.store.engine.connect() as conn:
        queue = views.decisions_queue(conn, desk.users["supervisor_a"].organisation_id)
        retention = views.deadlines(conn, case_id=case_id, today=ON)
    assert not any(q["request_id"] == request for q in queue)
    assert [d["kind"] for d in retention] == ["retention"] and retention[0]["due_on"] > ON


def test_conclusive_before_reasonable_grounds_is_refused(desk):
    case_id = desk.new_case(identification_status="possible_victim")
    with pytest.raises(ConflictError, match="identification_status: cg_victim is not allowed from"):
        lifecycle.apply(desk.cw, desk.who("supervisor_a"), case_id, "identification", "cg_victim",
                        {"on": ON, "reason": "credible_account"})


def test_dates_out_of_order_are_refused(desk):
    case_id = desk.new_case(identification_status="possible_victim")
    sup = desk.who("supervisor_a")
    for bad, message in ((date(2025, 1, 1), "on: is before the case was registered"),
                         (date(2030, 1, 1), "on: is in the future")):
        with pytest.raises(ValidationError, match=message):
            lifecycle.apply(desk.cw, sup, case_id, "identification", "rg_positive", {"on": bad, "reason": "other"})
    lifecycle.apply(desk.cw, sup, case_id, "identification", "rg_positive", {"on": ON, "reason": "other"})
    with pytest.raises(ValidationError, match=r"on: is before the previous identification step \(2025-04-01\)"):
        lifecycle.apply(desk.cw, sup, case_id, "identification", "cg_victim",
                        {"on": date(2025, 3, 20), "reason": "other"})
    # Justice: a conviction dated before the prosecution is refused.
    worker = desk.who("worker_a")
    lifecycle.apply(desk.cw, worker, case_id, "justice", "report", {"on": ON, "perpetrator_ref": "P1"})
    pid = desk.store.cases.get(case_id).proceedings[0].id
    for action, day in (("open_investigation", 2), ("prosecute", 10), ("start_trial", 20)):
        lifecycle.apply(desk.cw, worker, case_id, "justice", action, {"on": date(2025, 4, day)}, proceeding_id=pid)
    with pytest.raises(ValidationError, match="on: is before the previous justice step"):
        lifecycle.apply(desk.cw, worker, case_id, "justice", "convict", {"on": date(2025, 4, 5)}, proceeding_id=pid)


def test_reflection_period_starts_with_positive_grounds_and_extends(desk):
    case_id = desk.new_case(identification_status="possible_victim")
    sup = desk.who("supervisor_a")
    lifecycle.apply(desk.cw, sup, case_id, "identification", "rg_positive", {"on": ON, "reason": "other"})
    from ctkit.record import views

    with desk.store.engine.connect() as conn:
        (period,) = views.deadlines(conn, case_id=case_id, today=ON)
    assert period["kind"] == "reflection_end" and (period["due_on"] - ON).days == desk.cw.reflection_days
    with pytest.raises(ValidationError, match="until: must be after the current end"):
        lifecycle.extend_reflection(desk.cw, sup, case_id, period["due_on"])
    lifecycle.extend_reflection(desk.cw, sup, case_id, date(2025, 6, 15))
    with desk.store.engine.connect() as conn:
        (period,) = views.deadlines(conn, case_id=case_id, today=ON, within_days=90)
    assert period["due_on"] == date(2025, 6, 15) and period["extensions"] == 1
    with pytest.raises(PermissionDenied):
        lifecycle.extend_reflection(desk.cw, desk.who("worker_a"), case_id, date(2025, 7, 1))


def test_victim_role_non_punishment_and_compensation(desk):
    case_id = desk.new_case()
    worker = desk.who("worker_a")
    lifecycle.apply(desk.cw, worker, case_id, "justice", "report", {"on": ON, "perpetrator_ref": "P1"})
    pid = desk.store.cases.get(case_id).proceedings[0].id
    lifecycle.record_victim_details(desk.cw, worker, case_id, pid, victim_role="injured_party",
                                    non_punishment="yes", compensation_awarded="no")
    p = desk.store.cases.get(case_id).proceedings[0]
    assert (p.victim_role, p.non_punishment, p.compensation_awarded) == ("injured_party", "yes", "no")
    with pytest.raises(ValidationError, match="victim_role: must be one of"):
        lifecycle.record_victim_details(desk.cw, worker, case_id, pid, victim_role="suspect")


def test_a_report_naming_a_perpetrators_label_links_the_proceeding(desk):
    from ctkit.model.perpetrator import CasePerpetrator, Perpetrator

    known = CasePerpetrator(perpetrator=Perpetrator(sex="male"), roles=["exploiter"], label="P1")
    case_id = desk.new_case(perpetrators=[known])
    worker = desk.who("worker_a")
    lifecycle.apply(desk.cw, worker, case_id, "justice", "report", {"on": ON, "perpetrator_ref": "P1"})
    lifecycle.apply(desk.cw, worker, case_id, "justice", "report", {"on": ON, "perpetrator_ref": "P9"})
    named, unnamed = desk.store.cases.get(case_id).proceedings
    assert (named.perpetrator_ref, named.perpetrator_id) == ("P1", known.perpetrator.id)
    assert (unnamed.perpetrator_ref, unnamed.perpetrator_id) == ("P9", None)  # no such label: linked later by hand
