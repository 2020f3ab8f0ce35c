"""Lifecycle transitions: identification, case and criminal-justice statuses moved by the tables in
``data/lifecycle.yaml``, each authorised by the policy, dated in order, written with its timeline row, funnel
stage and audit event in one transaction.

>>> apply(cw, who, case_id, "identification", "rg_positive", {"on": d, "reason": "credible_account"})  # doctest: +SKIP
3
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection, bindparam, func, literal_column, select, update

from ctkit.errors import ConflictError, NotFoundError, ValidationError
from ctkit.model import Case, LegalProceeding, LifecycleEvent
from ctkit.record import machines as mx
from ctkit.record.access import Authorizer, Target
from ctkit.record.unit import Casework, Head, audit, bump, load, load_head, new_id, now, save_case, writing
from ctkit.store import tables as tb
from ctkit.store.casework_tables import casework_deadlines, casework_requests, casework_transitions
from ctkit.vocab import code_list

# Where each justice step's date lives on the proceeding (trial has no date field there: timeline only).
_JUSTICE_DATE = {"reported": "reported_on", "investigation": "investigation_on", "prosecution": "prosecution_on",
                 "conviction": "verdict_on", "acquittal": "verdict_on"}

# A stage appended to the case's lifecycle in one statement, after its last position (the caller has already
# updated the case row under its version check, which serialises writers of this case).
_lc = tb.case_lifecycle.c
_APPEND_STAGE = tb.case_lifecycle.insert().from_select(
    ["case_id", "position", "stage", "on_date", "outcome"],
    select(bindparam("case_id", type_=_lc.case_id.type), func.coalesce(func.max(_lc.position) + 1, literal_column("0")),
           bindparam("stage", type_=_lc.stage.type), bindparam("on_date", type_=_lc.on_date.type),
           bindparam("outcome", type_=_lc.outcome.type))
    .where(_lc.case_id == bindparam("case_id", type_=_lc.case_id.type)))


def _last_date(conn: Connection, case_id: str, machine: str, proceeding_id: str | None) -> date | None:
    query = select(func.max(casework_transitions.c.on_date)).where(
        casework_transitions.c.case_id == case_id, casework_transitions.c.machine == machine)
    if proceeding_id:
        query = query.where(casework_transitions.c.proceeding_id == proceeding_id)
    return conn.execute(query).scalar()


def check_date(cw: Casework, case: Case | Head, on: date, last: date | None, machine: str) -> None:
    """ValidationError naming ``on`` when it is in the future, before registration or before the last step."""
    if on > cw.today():
        raise ValidationError("on: is in the future")
    if on < case.registered_on:
        raise ValidationError(f"on: is before the case was registered ({case.registered_on})")
    if last is not None and on < last:
        raise ValidationError(f"on: is before the previous {machine} step ({last})")


def _proceeding(case: Case, proceeding_id: str | None) -> LegalProceeding:
    for p in case.proceedings:
        if p.id == proceeding_id:
            return p
    raise NotFoundError("proceeding_id: no such proceeding in this case")


def _justice_summary(case: Case) -> str:
    """The case's justice status: the furthest status reached by any of its proceedings."""
    order = list(code_list("justice_status"))
    return max((p.status for p in case.proceedings), key=order.index, default="none")


def _add_stage(case: Case, stage: str | None, on: date, outcome: str | None, once: bool) -> None:
    if stage and not (once and case.stage_date(stage)):
        case.lifecycle.append(LifecycleEvent(stage=stage, on=on, outcome=outcome))


def _apply_justice(case: Case, t: mx.Transition, fields: dict, proceeding_id: str | None) -> str:
    on = fields["on"]
    if t.action == "report":
        ref = fields["perpetrator_ref"]
        # A report naming a perpetrator already on the case by their label counts them at once (offender tables).
        named = next((cp.perpetrator.id for cp in case.perpetrators if cp.label and cp.label == ref), None)
        p = LegalProceeding(perpetrator_ref=ref, perpetrator_id=named, status="reported", reported_on=on)
        case.proceedings.append(p)
    else:
        p = _proceeding(case, proceeding_id)
        p.status = t.to
        if t.to in _JUSTICE_DATE:
            setattr(p, _JUSTICE_DATE[t.to], on)
        if t.to == "conviction" and fields.get("sentence_months") is not None:
            p.sentence_months = fields["sentence_months"]
    case.justice_status = _justice_summary(case)
    return p.id


def _effects(conn: Connection, cw: Casework, case_id: str, t: mx.Transition, on: date) -> None:
    if t.effect == "start_reflection":
        conn.execute(casework_deadlines.insert().values(
            id=new_id(), case_id=case_id, kind="reflection_end", starts_on=on,
            due_on=on + timedelta(days=cw.reflection_days), status="open", extensions=0))
    elif t.effect == "retention":
        conn.execute(casework_deadlines.insert().values(
            id=new_id(), case_id=case_id, kind="retention", starts_on=on,
            due_on=on + timedelta(days=cw.retention_days), status="open", extensions=0))
        conn.execute(update(casework_requests).where(casework_requests.c.case_id == case_id,
                                                     casework_requests.c.status == "pending")
                     .values(status="approved"))
    if t.action == "reopen":
        conn.execute(update(casework_deadlines).where(casework_deadlines.c.case_id == case_id,
                                                      casework_deadlines.c.kind == "retention",
                                                      casework_deadlines.c.status == "open")
                     .values(status="cancelled"))
    if t.machine == "identification" and t.stage == "conclusive_grounds":
        # The conclusive decision ends the wait the reflection period protects; its record stays.
        conn.execute(update(casework_deadlines).where(casework_deadlines.c.case_id == case_id,
                                                      casework_deadlines.c.kind == "reflection_end",
                                                      casework_deadlines.c.status == "open").values(status="met"))


def state_of(case: Case, machine: str, proceeding_id: str | None = None) -> str:
    """The current state of ``machine`` for ``case`` (justice: of one proceeding; 'none' before a report)."""
    if machine == "justice":
        return _proceeding(case, proceeding_id).status if proceeding_id else "none"
    return getattr(case, mx.machine(machine).field)


def apply(cw: Casework, who: Authorizer, case_id: str, machine: str, action: str, fields: dict, *,
          expected_version: int | None = None, proceeding_id: str | None = None) -> int:
    """Move ``machine`` of the case by ``action``; returns the case's new version.

    ``fields`` holds what the transition requires (always ``on``; decisions a ``reason`` code). Raises
    ValidationError / ConflictError (see :func:`ctkit.record.machines.check`; dates out of order name ``on``),
    PermissionDenied or NotFoundError from the authorizer, ConflictError when the case changed meanwhile.

    The identification and case machines move one column of the case row: they read and write that row only
    (its lifecycle stage is appended, no other child row is touched, no personal data is decrypted). A justice
    step changes a proceeding, so it loads the whole case.
    """
    if machine == "justice":
        return _apply_justice_step(cw, who, case_id, action, fields, expected_version, proceeding_id)
    head = load_head(cw.engine, case_id, expected_version)
    status_field = mx.machine(machine).field
    state = getattr(head, status_field)
    t = mx.check(machine, state, action, fields)
    reason = who.authorize(t.permission, Target(case_id))
    on = fields["on"]
    if t.action == "close_referred" and fields["to_organisation"] == head.organisation_id:
        raise ValidationError("to_organisation: must be another organisation")
    with writing(cw.engine) as conn:
        check_date(cw, head, on, _last_date(conn, case_id, machine, None), machine)
        version = bump(conn, case_id, head.version, **{status_field: t.to})
        if t.stage:
            conn.execute(_APPEND_STAGE, {"case_id": case_id, "stage": t.stage, "on_date": on, "outcome": t.outcome})
        _record_transition(conn, cw, who, case_id, machine, state, t, fields, None)
        audit(conn, who, f"case.{machine}", case_id, reason, transition=action, to=t.to, version=version)
    return version


def _apply_justice_step(cw: Casework, who: Authorizer, case_id: str, action: str, fields: dict,
                        expected_version: int | None, proceeding_id: str | None) -> int:
    loaded = load(cw.repo, case_id, expected_version)
    case = loaded.case
    state = state_of(case, "justice", proceeding_id)
    t = mx.check("justice", state, action, fields)
    reason = who.authorize(t.permission, Target(case_id))
    on = fields["on"]
    with writing(cw.engine) as conn:
        check_date(cw, case, on, _last_date(conn, case_id, "justice", proceeding_id), "justice")
        proceeding_id = _apply_justice(case, t, fields, proceeding_id)
        _add_stage(case, t.stage, on, t.outcome, once=True)
        version = save_case(conn, loaded)
        _record_transition(conn, cw, who, case_id, "justice", state, t, fields, proceeding_id)
        audit(conn, who, "case.justice", case_id, reason, transition=action, to=t.to, version=version)
    return version


def _record_transition(conn: Connection, cw: Casework, who: Authorizer, case_id: str, machine: str, state: str,
                       t: mx.Transition, fields: dict, proceeding_id: str | None) -> None:
    """The timeline row of the step and its effects on deadlines and requests."""
    on = fields["on"]
    conn.execute(casework_transitions.insert().values(
        id=new_id(), case_id=case_id, machine=machine, action=t.action, from_state=state, to_state=t.to,
        on_date=on, proceeding_id=proceeding_id, reason=fields.get("reason"), actor_id=who.actor_id,
        organisation_id=who.organisation_id, at=now(), details={}))
    _effects(conn, cw, case_id, t, on)


def request_closure(cw: Casework, who: Authorizer, case_id: str, on: date, reason: str) -> str:
    """File a closure request for a supervisor's decision queue; returns its id.

    Closing itself is the ``close`` transition, which needs ``case.decide`` (a supervisor's approval).
    """
    case = cw.repo.get(case_id)
    mx.check("case", case.case_status, "close", {"on": on, "reason": reason})
    scope = who.authorize("case.edit", Target(case_id))
    check_date(cw, case, on, None, "case")
    request_id = new_id()
    with writing(cw.engine) as conn:
        pending = conn.execute(select(casework_requests.c.id).where(
            casework_requests.c.case_id == case_id, casework_requests.c.status == "pending")).first()
        if pending:
            raise ConflictError("case_status: a closure request is already waiting for a supervisor")
        conn.execute(casework_requests.insert().values(
            id=request_id, case_id=case_id, action="close", on_date=on, reason=reason, requested_by=who.actor_id,
            organisation_id=case.organisation_id or who.organisation_id, status="pending", at=now()))
        audit(conn, who, "case.request_closure", case_id, scope, request=request_id)
    return request_id


def extend_reflection(cw: Casework, who: Authorizer, case_id: str, until: date) -> None:
    """Extend the open recovery and reflection period to ``until`` (a supervisor's decision).

    Raises ConflictError when no period is open and ValidationError naming ``until`` when it does not extend it.
    """
    scope = who.authorize("case.decide", Target(case_id))
    with writing(cw.engine) as conn:
        row = conn.execute(select(casework_deadlines).where(
            casework_deadlines.c.case_id == case_id, casework_deadlines.c.kind == "reflection_end",
            casework_deadlines.c.status == "open")).mappings().first()
        if row is None:
            raise ConflictError("reflection_period: no open recovery and reflection period on this case")
        if until <= row["due_on"]:
            raise ValidationError(f"until: must be after the current end of the period ({row['due_on']})")
        conn.execute(update(casework_deadlines).where(casework_deadlines.c.id == row["id"])
                     .values(due_on=until, extensions=row["extensions"] + 1))
        audit(conn, who, "case.extend_reflection", case_id, scope, days=(until - row["starts_on"]).days)


def record_victim_details(cw: Casework, who: Authorizer, case_id: str, proceeding_id: str, *,
                          victim_role: str | None = None, non_punishment: str | None = None,
                          compensation_awarded: str | None = None, expected_version: int | None = None) -> int:
    """Set the victim's role (witness / injured_party / none), the non-punishment flag and compensation on one
    proceeding; returns the new case version. Values not given stay as they are; flags are yes / no / unknown."""
    loaded = load(cw.repo, case_id, expected_version)
    p = _proceeding(loaded.case, proceeding_id)
    scope = who.authorize("case.edit", Target(case_id))
    changes = {k: v for k, v in (("victim_role", victim_role), ("non_punishment", non_punishment),
                                 ("compensation_awarded", compensation_awarded)) if v is not None}
    try:
        for name, value in changes.items():
            setattr(p, name, value)
    except ValueError as exc:  # pydantic's error on assignment, naming the field
        raise ValidationError(f"{name}: must be one of the allowed values") from exc
    with writing(cw.engine) as conn:
        version = save_case(conn, loaded)
        audit(conn, who, "case.justice", case_id, scope, proceeding=proceeding_id, fields=len(changes),
              version=version)
    return version
