"""The casework JSON API (``/api/v1/casework``): open a case, move its lifecycle, consent, referrals, services,
support plans, risk assessments, the inbox, the decisions queue, the deadlines and the service directory.

Every route depends on ``requires(<action>)``; the record services check the resource with the policy again
(per transition: ``case.edit`` or ``case.decide``) and write the audit trail. No personal data in a response
except the referral packet (the fields the sender chose, after acceptance, while consent holds).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as ModelError

from ctkit.errors import ConflictError, ValidationError
from ctkit.model import TriState, describe_validation_error
from ctkit.record import consent, directory, lifecycle, referrals, support, views
from ctkit.vocab import code_list
from ctkit.web.guard import Ctx, requires
from ctkit.web.routes_casework_access import (
    assign,
    audit_list,
    case_file,
    casework,
    open_case,
    visible_case_ids,
    who,
)

router = APIRouter()  # no pages here: see routes_casework
api = APIRouter(prefix="/api/v1/casework", tags=["casework"])


def rules(func: Callable) -> Callable:
    """422 means the request does not match the schema; a schema-valid request that the record's rules refuse
    (a date out of order, a field a service does not need, an unknown code) answers 409, naming the field."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            raise ConflictError(exc.message, hint=exc.hint) from None
        except ModelError as exc:
            raise ConflictError(describe_validation_error(exc)) from None

    return wrapper

Uuid = Annotated[str, Path(pattern=r"^[0-9a-fA-F-]{36}$", description="opaque id (UUID)")]
ERRORS = {401: {"description": "not signed in"}, 403: {"description": "not allowed"},
          404: {"description": "no such record in your scope"},
          409: {"description": "refused by the record's rules (illegal transition, no consent, date out of order, "
                "field not needed...) or changed by someone else; the message names the field"},
          422: {"description": "the request does not match the schema"}}
Ref = Annotated[str, Field(pattern=r"^[0-9a-fA-F-]{36}$")]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpenCaseIn(Strict):
    registered_on: date
    sex: Code = "unknown"
    age_years: int | None = Field(default=None, ge=0, le=120)
    citizenship: list[Annotated[str, Field(min_length=2, max_length=3)]] = Field(default_factory=list, max_length=5)
    language: str | None = Field(default=None, max_length=8)
    first_name: str | None = Field(default=None, max_length=200)
    refer: bool = Field(default=False, description="the screening outcome was 'refer': a possible victim")


class TransitionIn(Strict):
    machine: Literal["identification", "case", "justice"]
    action: Code
    on: date
    reason: Code | None = None
    perpetrator_ref: str | None = Field(default=None, max_length=40)
    to_organisation: Ref | None = None
    proceeding_id: Ref | None = None
    version: int | None = Field(default=None, ge=1, le=1_000_000_000, description="optimistic locking")


class ClosureIn(Strict):
    on: date
    reason: Code


class ConsentIn(Strict):
    purpose: Code
    given_on: date
    organisation_id: Ref | None = None
    language: str | None = Field(default=None, max_length=8)
    interpreter_used: TriState = TriState.unknown
    explained_by: str | None = Field(default=None, max_length=100)
    version: int | None = Field(default=None, ge=1, le=1_000_000_000)


class ReferralIn(Strict):
    to_organisation: Ref
    service: Code
    shared_fields: list[Code] = Field(default_factory=list, max_length=10)
    kind: Literal["referral", "transfer"] = "referral"


class ServiceIn(Strict):
    service: Code
    start_date: date
    end_date: date | None = None
    outcome: Code | None = None
    planned: bool = False


class PlanIn(Strict):
    plan_type: Code
    created_on: date
    planned_end_date: date | None = None
    objectives: str = Field(default="", max_length=4000)
    action_plan: str = Field(default="", max_length=4000)


class RiskIn(Strict):
    assessed_on: date
    destination_country: str = Field(min_length=2, max_length=3)
    level: Literal["low", "medium", "high"]


class VictimIn(Strict):
    victim_role: Literal["witness", "injured_party", "none"] | None = None
    non_punishment: TriState | None = None
    compensation_awarded: TriState | None = None
    version: int | None = Field(default=None, ge=1, le=1_000_000_000)


class ExtendIn(Strict):
    until: date


class AssignIn(Strict):
    user_id: Ref


class IdOut(BaseModel):
    id: str


class VersionOut(BaseModel):
    id: str
    version: int


class StatusOut(BaseModel):
    id: str
    status: str


def _fields(body: TransitionIn) -> dict:
    return {k: v for k, v in body.model_dump().items() if k not in ("machine", "action", "version",
                                                                    "proceeding_id")}


@api.post("/cases", response_model=IdOut, status_code=201, responses=ERRORS)
@rules
def api_open_case(ctx: Annotated[Ctx, Depends(requires("case.create"))], body: OpenCaseIn) -> IdOut:
    """Open a case in your organisation after a screening; you own it."""
    code_list("sex").check(body.sex, "sex")
    return IdOut(id=open_case(ctx, registered_on=body.registered_on, sex=body.sex, age_years=body.age_years,
                              citizenship=body.citizenship, language=body.language, first_name=body.first_name,
                              refer=body.refer))


@api.get("/cases/{case_id}", response_model=dict[str, object], responses=ERRORS)
@rules
def api_case_file(ctx: Annotated[Ctx, Depends(requires("case.view"))], case_id: Uuid) -> dict[str, object]:
    """The case file without personal data: statuses, decisions, referrals, services, deadlines, timeline."""
    f = case_file(ctx, case_id)
    case = f["case"]
    return {"id": case.id, "version": f["version"], "identification_status": case.identification_status,
            "case_status": case.case_status, "justice_status": case.justice_status,
            "lifecycle": [e.model_dump(mode="json") for e in case.lifecycle],
            "referrals": [{**vars(r), "sent_on": r.sent_on.isoformat(), "shared_fields": list(r.shared_fields)}
                          for r in f["referrals"]],
            "assistance": [a.model_dump(mode="json") for a in case.assistance],
            "consents": [c.model_dump(mode="json", exclude={"explained_by"}) for c in case.consents],
            "proceedings": [p.model_dump(mode="json") for p in case.proceedings],
            "deadlines": [{k: str(v) for k, v in d.items()} for d in f["deadlines"]],
            "timeline": [{"on": i.on.isoformat(), "kind": i.kind, "what": i.what, "detail": i.detail}
                         for i in f["timeline"]]}


@api.post("/cases/{case_id}/transitions", response_model=VersionOut, responses=ERRORS)
@rules
def api_transition(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid,
                   body: TransitionIn) -> VersionOut:
    """A case-worker transition (the table says which: e.g. activate, report)."""
    version = lifecycle.apply(casework(ctx), who(ctx), case_id, body.machine, body.action, _fields(body),
                              expected_version=body.version, proceeding_id=body.proceeding_id)
    return VersionOut(id=case_id, version=version)


@api.post("/cases/{case_id}/decisions", response_model=VersionOut, responses=ERRORS)
@rules
def api_decision(ctx: Annotated[Ctx, Depends(requires("case.decide"))], case_id: Uuid,
                 body: TransitionIn) -> VersionOut:
    """A supervisor's decision: reasonable or conclusive grounds, reconsideration, closure, reopening."""
    return api_transition(ctx, case_id, body)


@api.post("/cases/{case_id}/proceedings/{proceeding_id}/victim", response_model=VersionOut, responses=ERRORS)
@rules
def api_victim(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid, proceeding_id: Uuid,
               body: VictimIn) -> VersionOut:
    """The victim's role in one proceeding, the non-punishment flag and compensation."""
    values = body.model_dump(exclude={"version"}, mode="json")
    return VersionOut(id=case_id, version=lifecycle.record_victim_details(
        casework(ctx), who(ctx), case_id, proceeding_id, expected_version=body.version, **values))


@api.post("/cases/{case_id}/closure-requests", response_model=IdOut, status_code=201, responses=ERRORS)
@rules
def api_request_closure(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid,
                        body: ClosureIn) -> IdOut:
    """Ask a supervisor to close the case (it appears in their decisions queue)."""
    return IdOut(id=lifecycle.request_closure(casework(ctx), who(ctx), case_id, body.on, body.reason))


@api.post("/cases/{case_id}/reflection", response_model=IdOut, responses=ERRORS)
@rules
def api_extend_reflection(ctx: Annotated[Ctx, Depends(requires("case.decide"))], case_id: Uuid,
                          body: ExtendIn) -> IdOut:
    """Extend the recovery and reflection period."""
    lifecycle.extend_reflection(casework(ctx), who(ctx), case_id, body.until)
    return IdOut(id=case_id)


@api.post("/cases/{case_id}/assignees", response_model=IdOut, responses=ERRORS)
@rules
def api_assign(ctx: Annotated[Ctx, Depends(requires("case.decide"))], case_id: Uuid, body: AssignIn) -> IdOut:
    """Assign a case worker of the organisation to the case."""
    assign(ctx, case_id, body.user_id)
    return IdOut(id=case_id)


@api.post("/cases/{case_id}/consents", response_model=IdOut, status_code=201, responses=ERRORS)
@rules
def api_consent(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid, body: ConsentIn) -> IdOut:
    """Record the person's consent for one purpose."""
    values = body.model_dump(exclude={"version"})
    return IdOut(id=consent.record(casework(ctx), who(ctx), case_id, expected_version=body.version, **values))


@api.post("/cases/{case_id}/consents/{consent_id}/withdraw", response_model=IdOut, responses=ERRORS)
@rules
def api_withdraw(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid, consent_id: Uuid) -> IdOut:
    """Withdraw a consent, effective at once."""
    consent.withdraw(casework(ctx), who(ctx), case_id, consent_id)
    return IdOut(id=consent_id)


@api.post("/cases/{case_id}/referrals", response_model=IdOut, status_code=201, responses=ERRORS)
@rules
def api_refer(ctx: Annotated[Ctx, Depends(requires("case.refer"))], case_id: Uuid, body: ReferralIn) -> IdOut:
    """Refer (or transfer) the case to another organisation; consent for sharing is checked first."""
    return IdOut(id=referrals.send(casework(ctx), who(ctx), case_id, **body.model_dump()))


@api.post("/cases/{case_id}/services", response_model=IdOut, status_code=201, responses=ERRORS)
@rules
def api_service(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid, body: ServiceIn) -> IdOut:
    """Plan or record a service your organisation provides."""
    return IdOut(id=support.record_service(casework(ctx), who(ctx), case_id, **body.model_dump()))


@api.post("/cases/{case_id}/support-plans", response_model=IdOut, status_code=201, responses=ERRORS)
@rules
def api_plan(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid, body: PlanIn) -> IdOut:
    """Add a support plan (HTCDS spl_ fields); its free text is stored encrypted."""
    return IdOut(id=support.add_support_plan(casework(ctx), who(ctx), case_id, **body.model_dump()))


@api.post("/cases/{case_id}/risk-assessments", response_model=IdOut, status_code=201, responses=ERRORS)
@rules
def api_risk(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: Uuid, body: RiskIn) -> IdOut:
    """Record a risk assessment of a return (needed before a return referral)."""
    return IdOut(id=support.assess_return_risk(casework(ctx), who(ctx), case_id, **body.model_dump()))


@api.get("/referrals", response_model=list[dict[str, object]], responses=ERRORS)
@rules
def api_inbox(ctx: Annotated[Ctx, Depends(requires("referral.respond"))]) -> list[dict[str, object]]:
    """Referrals to your organisation (before acceptance: service, date and sender only)."""
    with ctx.state.store.engine.connect() as conn:
        rows = referrals.inbox(conn, ctx.actor.organisation_id)
    audit_list(ctx, "referral.respond", "inbox", len(rows))
    return [{**r, "sent_on": r["sent_on"].isoformat()} for r in rows]


@api.get("/referrals/{referral_id}", response_model=dict[str, object], responses=ERRORS)
@rules
def api_packet(ctx: Annotated[Ctx, Depends(requires("referral.respond"))], referral_id: Uuid) -> dict[str, object]:
    """What the referral shares, once accepted and while the person's consent holds (audited)."""
    return referrals.packet(casework(ctx), who(ctx), referral_id)


def _step(ctx: Ctx, referral_id: str, step: str) -> StatusOut:
    return StatusOut(id=referral_id, status=referrals.move(casework(ctx), who(ctx), referral_id, step))


@api.post("/referrals/{referral_id}/accept", response_model=StatusOut, responses=ERRORS)
@rules
def api_accept(ctx: Annotated[Ctx, Depends(requires("referral.respond"))], referral_id: Uuid) -> StatusOut:
    """Accept a referral sent to your organisation."""
    return _step(ctx, referral_id, "accept")


@api.post("/referrals/{referral_id}/reject", response_model=StatusOut, responses=ERRORS)
@rules
def api_reject(ctx: Annotated[Ctx, Depends(requires("referral.respond"))], referral_id: Uuid) -> StatusOut:
    """Reject a referral sent to your organisation."""
    return _step(ctx, referral_id, "reject")


@api.post("/referrals/{referral_id}/done", response_model=StatusOut, responses=ERRORS)
@rules
def api_done(ctx: Annotated[Ctx, Depends(requires("referral.respond"))], referral_id: Uuid) -> StatusOut:
    """Mark an accepted referral done."""
    return _step(ctx, referral_id, "done")


@api.post("/referrals/{referral_id}/revoke", response_model=StatusOut, responses=ERRORS)
@rules
def api_revoke(ctx: Annotated[Ctx, Depends(requires("case.refer"))], referral_id: Uuid) -> StatusOut:
    """Revoke a referral your organisation sent."""
    return _step(ctx, referral_id, "revoke")


@api.post("/referrals/{referral_id}/services", response_model=IdOut, status_code=201, responses=ERRORS)
@rules
def api_referral_service(ctx: Annotated[Ctx, Depends(requires("referral.respond"))], referral_id: Uuid,
                         body: ServiceIn) -> IdOut:
    """Record the service given under an accepted referral (as the receiving organisation)."""
    with ctx.state.store.engine.connect() as conn:
        case_id = referrals.get(conn, referral_id).case_id
    return IdOut(id=support.record_service(casework(ctx), who(ctx), case_id, referral_id=referral_id,
                                           **body.model_dump()))


@api.get("/decisions", response_model=list[dict[str, object]], responses=ERRORS)
@rules
def api_decisions(ctx: Annotated[Ctx, Depends(requires("case.decide"))]) -> list[dict[str, object]]:
    """What waits for a supervisor's decision in your organisation."""
    with ctx.state.store.engine.connect() as conn:
        rows = views.decisions_queue(conn, ctx.actor.organisation_id)
    audit_list(ctx, "case.decide", "decisions_queue", len(rows))
    return [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()} for r in rows]


@api.get("/deadlines", response_model=list[dict[str, object]], responses=ERRORS)
@rules
def api_deadlines(ctx: Annotated[Ctx, Depends(requires("case.list"))],
                  within_days: Annotated[int, Query(ge=0, le=366)] = 14) -> list[dict[str, object]]:
    """Open deadlines of the cases you may list, due within ``within_days`` (overdue included)."""
    with ctx.state.store.engine.connect() as conn:
        rows = views.deadlines(conn, visible_case_ids(ctx), today=date.today(), within_days=within_days)
    audit_list(ctx, "case.list", "deadlines", len(rows))
    return [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()} for r in rows]


@api.get("/directory", response_model=list[dict[str, object]], responses=ERRORS)
@rules
def api_directory(ctx: Annotated[Ctx, Depends(requires("session.use"))],
                  service: Annotated[str | None, Query(max_length=40)] = None,
                  language: Annotated[str | None, Query(max_length=8)] = None,
                  region: Annotated[str | None, Query(max_length=6)] = None) -> list[dict[str, object]]:
    """Service providers offering ``service`` in ``language`` and ``region``, with free places."""
    with ctx.state.store.engine.connect() as conn:
        found = directory.search(conn, service=service, language=language, region=region)
    return [{**vars(p), "services": list(p.services), "languages": list(p.languages), "free": p.free}
            for p in found]
