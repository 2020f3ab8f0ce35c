"""Case services shared by the case pages and the JSON API: list, view, reveal, change status, export.

Every function takes the guard's :class:`Ctx`, checks the resource with the policy (out-of-scope cases answer
"not found", so guessing ids reveals nothing) and writes an audit event with ids and codes only. Personal fields
never leave this module unless :func:`reveal` was called with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import Connection, Select, bindparam, select

from ctkit.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from ctkit.store import tables as t
from ctkit.store.audit import AuditEvent, append, append_now
from ctkit.vocab import code_list
from ctkit.web import reveal as reveal_helpers
from ctkit.web.case_scope import bound_scope_clause, case_facts, scope_params, scope_shape
from ctkit.web.csvsafe import to_csv
from ctkit.web.guard import Ctx
from ctkit.web.policy import CaseFacts, scope_filter

REVEAL_REASONS = reveal_helpers.REASONS  # shared with the perpetrator reveal
PERSONAL_FIELDS = ("first_name", "middle_name", "last_name", "birth_date", "phone", "email", "address",
                   "documents", "narrative")
MAX_PAGE = 200


@dataclass(frozen=True)
class CaseSummary:
    """A list row: no personal data."""

    id: str
    registered_on: date
    identification_status: str
    case_status: str
    version: int


@dataclass(frozen=True)
class CaseView:
    """One case without personal data; ``has_personal_data`` says whether there is anything to reveal."""

    summary: CaseSummary
    organisation_id: str | None
    sex: str
    age_years: int | None
    citizenship: list[str]
    forms: list[str]
    route: list[dict]
    has_personal_data: bool


def _audit(ctx: Ctx, action: str, case_id: str | None, reason: str, conn: Connection | None = None,
           **details) -> None:
    event = AuditEvent(action=action, outcome="allowed", reason=reason, actor_id=ctx.actor.user_id,
                       organisation_id=ctx.actor.organisation_id, resource_type="case", resource_id=case_id,
                       details=details)
    if conn is None:
        append_now(ctx.state.store.engine, event)
    else:
        append(conn, event)


def _authorized_facts(ctx: Ctx, action: str, case_id: str, conn: Connection | None = None) -> tuple[CaseFacts, str]:
    if conn is None:
        with ctx.state.store.engine.connect() as own:
            facts = case_facts(own, case_id)
    else:
        facts = case_facts(conn, case_id)
    try:
        decision = ctx.authorize(action, facts)
    except PermissionDenied:
        # Same answer as an unknown id: a guessed URL must not confirm that a case exists.
        raise NotFoundError("case not found") from None
    return facts, decision.reason


@lru_cache(maxsize=64)
def _list_query(relations: frozenset[str], has_team: bool) -> Select:
    # Built once per scope shape with bind parameters: building and keying this statement per request cost more
    # than running it.
    c = t.cases.c
    return (select(c.id, c.registered_on, c.identification_status, c.case_status, c.version)
            .where(bound_scope_clause(relations, has_team))
            .order_by(c.registered_on.desc(), c.id).limit(bindparam("limit")).offset(bindparam("offset")))


def list_cases(ctx: Ctx, *, limit: int = 50, offset: int = 0) -> list[CaseSummary]:
    """Cases the actor may list, newest first (the policy's query filter, not a post-filter)."""
    scope = scope_filter(ctx.actor, "case.list")
    params = {**scope_params(scope), "limit": max(1, min(limit, MAX_PAGE)), "offset": max(0, offset)}
    with ctx.state.store.engine.begin() as conn:  # the read and its audit event: one transaction
        rows = conn.execute(_list_query(*scope_shape(scope)), params).all()
        _audit(ctx, "case.list", None, "scope_filter", conn, rows=len(rows))
    return [CaseSummary(*r) for r in rows]


_ID = bindparam("case_id")
_VIEW_ROW = (select(t.cases.c.id, t.cases.c.registered_on, t.cases.c.identification_status, t.cases.c.case_status,
                    t.cases.c.version, t.cases.c.organisation_id, t.persons.c.sex, t.persons.c.age_years,
                    t.persons.c.citizenship, t.persons.c.other_citizenships,
                    t.persons.c.personal_ciphertext.is_not(None).label("has_personal"))
             .join_from(t.cases, t.persons, t.persons.c.id == t.cases.c.person_id).where(t.cases.c.id == _ID))
_VIEW_EVENTS = select(t.case_events.c.type, t.case_events.c.country, t.case_events.c.region,
                      t.case_events.c.start_date).where(t.case_events.c.case_id == _ID)
_VIEW_FORMS = select(t.case_exploitations.c.form).where(t.case_exploitations.c.case_id == _ID)
_STATUS = select(t.cases.c.case_status).where(t.cases.c.id == _ID)
_ROUTE_ORDER = {"recruitment": 0, "transit": 1, "exploitation": 2}


def _load_view(conn, case_id: str) -> CaseView:
    """Read the non-personal columns only: the encrypted personal blob is not even decrypted for a view."""
    params = {"case_id": case_id}
    row = conn.execute(_VIEW_ROW, params).one()
    events = conn.execute(_VIEW_EVENTS, params).all()
    route = [{"type": e.type, "country": e.country, "region": e.region}
             for e in sorted(events, key=lambda e: (_ROUTE_ORDER.get(e.type, 3), e.start_date or date.min))]
    forms = sorted(set(conn.execute(_VIEW_FORMS, params).scalars()))
    citizenship = ([row.citizenship] if row.citizenship else []) + (row.other_citizenships or "").split()
    summary = CaseSummary(row.id, row.registered_on, row.identification_status, row.case_status, row.version)
    return CaseView(summary, row.organisation_id, row.sex, row.age_years, citizenship, forms, route,
                    bool(row.has_personal))


def view_case(ctx: Ctx, case_id: str) -> CaseView:
    """One case with personal fields hidden. NotFoundError when unknown or out of scope (audited)."""
    with ctx.state.store.engine.begin() as conn:  # facts, read and audit event on one connection
        _, reason = _authorized_facts(ctx, "case.view", case_id, conn)
        view = _load_view(conn, case_id)
        _audit(ctx, "case.view", case_id, reason, conn)
    return view


def reveal(ctx: Ctx, case_id: str, reason_code: str) -> dict[str, object]:
    """The person's personal fields, after a policy check; the reveal and its reason code are audited."""
    reveal_helpers.checked_reason(reason_code)
    _, scope = _authorized_facts(ctx, "person.reveal", case_id)
    case = ctx.state.store.cases.get(case_id)
    append_now(ctx.state.store.engine, reveal_helpers.reveal_event(ctx, "person.reveal", case_id, reason_code, scope))
    return reveal_helpers.revealed_fields(case.person.personal, PERSONAL_FIELDS)


def set_status(ctx: Ctx, case_id: str, status: str, expected_version: int) -> int:
    """Move the case status by the one direct step of the case state machine that leads to ``status``.

    Only steps that need nothing but a date go through here (activate, follow-up, resume); closing and
    reopening need the casework workflow (a reason and a supervisor). Returns the new version. Raises
    ValidationError for an unknown status, ConflictError for a step the machine does not allow from here or
    when someone else saved first, PermissionDenied / NotFoundError from the policy.
    """
    from ctkit.record import lifecycle
    from ctkit.record.machines import machine
    from ctkit.web.routes_casework_access import casework, who

    allowed_statuses = list(code_list("case_status"))
    if status not in allowed_statuses:  # vocab's own check echoes the value; never echo input here
        raise ValidationError(f"case_status: not a known status; allowed: {', '.join(allowed_statuses)}")
    with ctx.state.store.engine.connect() as conn:  # facts and the current status: no full case load
        _authorized_facts(ctx, "case.edit", case_id, conn)
        current = conn.execute(_STATUS, {"case_id": case_id}).scalar_one()
    steps = [t for t in machine("case").available(current) if t.to == status]
    direct = [t for t in steps if set(t.requires) <= {"on"}]
    if not direct:
        needs = "; ".join(f"{t.action} needs {', '.join(t.requires)} ({t.permission})" for t in steps)
        raise ConflictError(
            f"case_status: {current} -> {status} is not a direct step",
            hint=f"use the casework workflow: {needs}" if needs else "the case state machine has no such step",
        )
    return lifecycle.apply(casework(ctx), who(ctx), case_id, "case", direct[0].action, {"on": date.today()},
                           expected_version=expected_version)


def export_csv(ctx: Ctx, case_id: str) -> str:
    """A one-case CSV of non-personal fields (formula-injection safe); the export is audited."""
    _, reason = _authorized_facts(ctx, "case.export", case_id)
    view = view_case(ctx, case_id)
    _audit(ctx, "case.export", case_id, reason, None, format="csv")
    s = view.summary
    header = ["case_id", "registered_on", "identification_status", "case_status", "sex", "age_years",
              "citizenship", "forms", "route"]
    route = " > ".join(f"{r['type']}:{r['country'] or ''}" for r in view.route)
    row = [s.id, s.registered_on.isoformat(), s.identification_status, s.case_status, view.sex,
           view.age_years if view.age_years is not None else "", " ".join(view.citizenship), " ".join(view.forms),
           route]
    return to_csv(header, [row])
