"""Casework pages (English and Russian, no JavaScript needed): my cases and tasks, the case file with its
transition, consent and referral forms, the referrals inbox, the supervisor's decisions queue, the deadlines
dashboard and the service directory. Forms post back and redirect (303); errors render the shell's error page.

The JSON API with the same services is :mod:`ctkit.web.routes_casework_api`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from ctkit.errors import ValidationError
from ctkit.record import consent, directory, lifecycle, machines, reasons, referrals, support, views
from ctkit.store import accounts as acc
from ctkit.store import tables as t
from ctkit.vocab import code_list
from ctkit.web.guard import Ctx, requires
from ctkit.web.pages import render
from ctkit.web.policy import matrix
from ctkit.web.routes_casework_access import (
    assign,
    audit_list,
    case_file,
    casework,
    open_case,
    visible_case_ids,
    who,
)

router = APIRouter(prefix="/casework")
api = APIRouter()  # the JSON API lives in routes_casework_api
Uuid = Annotated[str, Path(pattern=r"^[0-9a-fA-F-]{36}$")]
OptStr = Annotated[str | None, Form(max_length=40)]


def label(ctx: Ctx) -> Callable[[str, str], str]:
    """``label(list_name, code)``: a code's label in the user's language (code lists and reason codes)."""
    def lookup(list_name: str, code: str | None) -> str:
        if code is None:
            return "—"
        if list_name == "reason":
            return reasons().get(code, {}).get(ctx.lang) or code
        codes = code_list(list_name)
        return codes.codes[code].label(ctx.lang) if code in codes else code
    return lookup


def colleagues(ctx: Ctx, role: str) -> list[tuple[str, str]]:
    """(id, username) of the actor's organisation's users in ``role`` (usernames are staff, not victims)."""
    u = acc.users.c
    with ctx.state.store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(u.id, u.username).where(
            u.organisation_id == ctx.actor.organisation_id, u.role == role).order_by(u.username))]


def page(ctx: Ctx, template: str, **values) -> Response:
    return render(ctx, f"casework/{template}", label=label(ctx), today=date.today(), **values)


def back(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


@router.get("", include_in_schema=False)
def my_cases(ctx: Annotated[Ctx, Depends(requires("case.list"))]) -> Response:
    ids = visible_case_ids(ctx, limit=100)
    with ctx.state.store.engine.connect() as conn:
        due = views.deadlines(conn, ids, today=date.today(), within_days=14)
        inbox = referrals.inbox(conn, ctx.actor.organisation_id, ("sent",))
        c = t.cases.c
        # Statuses only: the list never needs (or decrypts) the person's personal data.
        cases = conn.execute(select(c.id, c.registered_on, c.identification_status, c.case_status,
                                    c.justice_status).where(c.id.in_(ids[:50]))
                             .order_by(c.registered_on.desc(), c.id)).all()
    audit_list(ctx, "case.list", "my_cases", len(cases))
    can = {a for a in ("referral.respond", "case.decide", "case.create") if matrix().scopes(ctx.actor.role, a)}
    return page(ctx, "home.html", cases=cases, due=due, inbox=inbox, can=can, sexes=list(code_list("sex")))


@router.post("/cases", include_in_schema=False)
def open_case_form(ctx: Annotated[Ctx, Depends(requires("case.create"))], registered_on: Annotated[date, Form()],
                   sex: Annotated[str, Form(max_length=40)] = "unknown",
                   age_years: Annotated[int | None, Form(ge=0, le=120)] = None,
                   refer: Annotated[bool, Form()] = False) -> Response:
    code_list("sex").check(sex, "sex")
    case_id = open_case(ctx, registered_on=registered_on, sex=sex, age_years=age_years, citizenship=[],
                        language=None, first_name=None, refer=refer)
    return back(f"/casework/cases/{case_id}")


@router.post("/cases/{case_id}/assignees", include_in_schema=False)
def assign_form(ctx: Annotated[Ctx, Depends(requires("case.decide"))], case_id: Uuid,
                user_id: Annotated[str, Form(max_length=40)]) -> Response:
    assign(ctx, case_id, user_id)
    return back(f"/casework/cases/{case_id}")


@router.get("/cases/{case_id}", include_in_schema=False)
def case_page(ctx: Annotated[Ctx, Depends(requires("case.view"))], case_id: Uuid) -> Response:
    f = case_file(ctx, case_id)
    case = f["case"]
    with ctx.state.store.engine.connect() as conn:
        providers = directory.search(conn)
    moves = {name: m.available(lifecycle.state_of(case, name)) for name, m in machines().items()}
    justice = {p.id: machines()["justice"].available(p.status) for p in case.proceedings}
    role_can = {a for a in ("case.edit", "case.decide", "case.refer") if matrix().scopes(ctx.actor.role, a)}
    workers = colleagues(ctx, "case_worker") if "case.decide" in role_can else []
    return page(ctx, "case.html", f=f, case=case, moves=moves, justice=justice, providers=providers,
                role_can=role_can, reasons=reasons(), services=list(code_list("service_type")),
                purposes=list(code_list("consent_purpose")), workers=workers, outcomes=support.OUTCOMES,
                plan_types=support.PLAN_TYPES)


def _transition(ctx: Ctx, case_id: str, machine: str, action: str, on: date, version: int,
                reason: str | None, perpetrator_ref: str | None, to_organisation: str | None,
                proceeding_id: str | None) -> Response:
    fields = {"on": on, "reason": reason or None, "perpetrator_ref": perpetrator_ref or None,
              "to_organisation": to_organisation or None}
    if machine not in machines():
        raise ValidationError(f"machine: must be one of {', '.join(machines())}")
    lifecycle.apply(casework(ctx), who(ctx), case_id, machine, action, fields, expected_version=version,
                    proceeding_id=proceeding_id or None)
    return back(f"/casework/cases/{case_id}")


@router.post("/cases/{case_id}/transitions", include_in_schema=False)
def transition_form(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid,
                    machine: Annotated[str, Form(max_length=20)], action: Annotated[str, Form(max_length=40)],
                    on: Annotated[date, Form()], version: Annotated[int, Form(ge=1, le=1_000_000_000)],
                    reason: OptStr = None, perpetrator_ref: OptStr = None, to_organisation: OptStr = None,
                    proceeding_id: OptStr = None) -> Response:
    return _transition(ctx, case_id, machine, action, on, version, reason, perpetrator_ref, to_organisation,
                       proceeding_id)


@router.post("/cases/{case_id}/decisions", include_in_schema=False)
def decision_form(ctx: Annotated[Ctx, Depends(requires("case.decide"))], case_id: Uuid,
                  machine: Annotated[str, Form(max_length=20)], action: Annotated[str, Form(max_length=40)],
                  on: Annotated[date, Form()], version: Annotated[int, Form(ge=1, le=1_000_000_000)],
                  reason: OptStr = None, to_organisation: OptStr = None) -> Response:
    return _transition(ctx, case_id, machine, action, on, version, reason, None, to_organisation, None)


@router.post("/cases/{case_id}/closure-requests", include_in_schema=False)
def closure_form(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid, on: Annotated[date, Form()],
                 reason: Annotated[str, Form(max_length=40)]) -> Response:
    lifecycle.request_closure(casework(ctx), who(ctx), case_id, on, reason)
    return back(f"/casework/cases/{case_id}")


@router.post("/cases/{case_id}/reflection", include_in_schema=False)
def reflection_form(ctx: Annotated[Ctx, Depends(requires("case.decide"))], case_id: Uuid,
                    until: Annotated[date, Form()]) -> Response:
    lifecycle.extend_reflection(casework(ctx), who(ctx), case_id, until)
    return back(f"/casework/cases/{case_id}")


@router.post("/cases/{case_id}/consents", include_in_schema=False)
def consent_form(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid,
                 purpose: Annotated[str, Form(max_length=40)], given_on: Annotated[date, Form()],
                 organisation_id: OptStr = None, language: Annotated[str | None, Form(max_length=8)] = None,
                 interpreter_used: Annotated[str, Form(pattern="^(yes|no|unknown)$")] = "unknown",
                 explained_by: Annotated[str | None, Form(max_length=100)] = None) -> Response:
    consent.record(casework(ctx), who(ctx), case_id, purpose=purpose, given_on=given_on,
                   organisation_id=organisation_id or None, language=language or None,
                   interpreter_used=interpreter_used, explained_by=explained_by or None)
    return back(f"/casework/cases/{case_id}")


@router.post("/cases/{case_id}/consents/{consent_id}/withdraw", include_in_schema=False)
def withdraw_form(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid, consent_id: Uuid) -> Response:
    consent.withdraw(casework(ctx), who(ctx), case_id, consent_id)
    return back(f"/casework/cases/{case_id}")


@router.post("/cases/{case_id}/referrals", include_in_schema=False)
def referral_form(ctx: Annotated[Ctx, Depends(requires("case.refer"))], case_id: Uuid,
                  to_organisation: Annotated[str, Form(max_length=40)], service: Annotated[str, Form(max_length=40)],
                  shared_fields: Annotated[list[str] | None, Form(max_length=10)] = None,
                  kind: Annotated[str, Form(pattern="^(referral|transfer)$")] = "referral") -> Response:
    referrals.send(casework(ctx), who(ctx), case_id, to_organisation=to_organisation, service=service,
                   shared_fields=shared_fields or [], kind=kind)
    return back(f"/casework/cases/{case_id}")


@router.post("/cases/{case_id}/services", include_in_schema=False)
def case_service_form(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid,
                      service: Annotated[str, Form(max_length=40)], start_date: Annotated[date, Form()],
                      end_date: Annotated[date | None, Form()] = None, outcome: OptStr = None,
                      planned: Annotated[bool, Form()] = False) -> Response:
    support.record_service(casework(ctx), who(ctx), case_id, service=service, start_date=start_date,
                           end_date=end_date, outcome=outcome or None, planned=planned)
    return back(f"/casework/cases/{case_id}")


@router.post("/cases/{case_id}/support-plans", include_in_schema=False)
def plan_form(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid,
              plan_type: Annotated[str, Form(max_length=40)], created_on: Annotated[date, Form()],
              planned_end_date: Annotated[date | None, Form()] = None,
              objectives: Annotated[str, Form(max_length=4000)] = "",
              action_plan: Annotated[str, Form(max_length=4000)] = "") -> Response:
    support.add_support_plan(casework(ctx), who(ctx), case_id, plan_type=plan_type, created_on=created_on,
                             planned_end_date=planned_end_date, objectives=objectives, action_plan=action_plan)
    return back(f"/casework/cases/{case_id}")


@router.post("/cases/{case_id}/risk-assessments", include_in_schema=False)
def risk_form(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid,
              assessed_on: Annotated[date, Form()], destination_country: Annotated[str, Form(max_length=3)],
              level: Annotated[str, Form(pattern="^(low|medium|high)$")]) -> Response:
    support.assess_return_risk(casework(ctx), who(ctx), case_id, assessed_on=assessed_on,
                               destination_country=destination_country, level=level)
    return back(f"/casework/cases/{case_id}")


@router.get("/referrals", include_in_schema=False)
def inbox_page(ctx: Annotated[Ctx, Depends(requires("referral.respond"))]) -> Response:
    with ctx.state.store.engine.connect() as conn:
        rows = referrals.inbox(conn, ctx.actor.organisation_id)
        names = {p.id: p.name for p in directory.search(conn, limit=500)}
    audit_list(ctx, "referral.respond", "inbox", len(rows))
    return page(ctx, "inbox.html", rows=rows, names=names)


@router.get("/referrals/{referral_id}", include_in_schema=False)
def packet_page(ctx: Annotated[Ctx, Depends(requires("referral.respond"))], referral_id: Uuid) -> Response:
    shared = referrals.packet(casework(ctx), who(ctx), referral_id)
    return page(ctx, "packet.html", shared=shared, referral_id=referral_id,
                outcomes=support.OUTCOMES)


def _step(ctx: Ctx, referral_id: str, step: str) -> Response:
    referrals.move(casework(ctx), who(ctx), referral_id, step)
    return back("/casework/referrals" if step != "revoke" else "/casework")


@router.post("/referrals/{referral_id}/accept", include_in_schema=False)
def accept_form(ctx: Annotated[Ctx, Depends(requires("referral.respond"))], referral_id: Uuid) -> Response:
    return _step(ctx, referral_id, "accept")


@router.post("/referrals/{referral_id}/reject", include_in_schema=False)
def reject_form(ctx: Annotated[Ctx, Depends(requires("referral.respond"))], referral_id: Uuid) -> Response:
    return _step(ctx, referral_id, "reject")


@router.post("/referrals/{referral_id}/done", include_in_schema=False)
def done_form(ctx: Annotated[Ctx, Depends(requires("referral.respond"))], referral_id: Uuid) -> Response:
    return _step(ctx, referral_id, "done")


@router.post("/referrals/{referral_id}/revoke", include_in_schema=False)
def revoke_form(ctx: Annotated[Ctx, Depends(requires("case.refer"))], referral_id: Uuid) -> Response:
    return _step(ctx, referral_id, "revoke")


@router.post("/referrals/{referral_id}/services", include_in_schema=False)
def service_form(ctx: Annotated[Ctx, Depends(requires("referral.respond"))], referral_id: Uuid,
                 start_date: Annotated[date, Form()], end_date: Annotated[date | None, Form()] = None,
                 outcome: OptStr = None) -> Response:
    with ctx.state.store.engine.connect() as conn:
        ref = referrals.get(conn, referral_id)
    support.record_service(casework(ctx), who(ctx), ref.case_id, service=ref.service, start_date=start_date,
                           end_date=end_date, outcome=outcome or None, referral_id=referral_id)
    return back(f"/casework/referrals/{referral_id}")


@router.get("/decisions", include_in_schema=False)
def decisions_page(ctx: Annotated[Ctx, Depends(requires("case.decide"))]) -> Response:
    with ctx.state.store.engine.connect() as conn:
        rows = views.decisions_queue(conn, ctx.actor.organisation_id)
    audit_list(ctx, "case.decide", "decisions_queue", len(rows))
    return page(ctx, "decisions.html", rows=rows)


@router.get("/deadlines", include_in_schema=False)
def deadlines_page(ctx: Annotated[Ctx, Depends(requires("case.list"))],
                   within_days: Annotated[int, Query(ge=0, le=366)] = 30) -> Response:
    with ctx.state.store.engine.connect() as conn:
        rows = views.deadlines(conn, visible_case_ids(ctx), today=date.today(), within_days=within_days)
    audit_list(ctx, "case.list", "deadlines", len(rows))
    return page(ctx, "deadlines.html", rows=rows, within_days=within_days)


@router.get("/directory", include_in_schema=False)
def directory_page(ctx: Annotated[Ctx, Depends(requires("session.use"))],
                   service: Annotated[str | None, Query(max_length=40)] = None,
                   language: Annotated[str | None, Query(max_length=8)] = None,
                   region: Annotated[str | None, Query(max_length=6)] = None) -> Response:
    with ctx.state.store.engine.connect() as conn:
        found = directory.search(conn, service=service or None, language=language or None, region=region or None)
    return page(ctx, "directory.html", found=found, services=list(code_list("service_type")), service=service,
                language=language, region=region)
