"""The supervisor's view of the audit trail: who accessed a case, and unusual access volume per user."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from ctkit.errors import NotFoundError, PermissionDenied
from ctkit.store import audit
from ctkit.store.db import transaction
from ctkit.web.case_scope import case_facts
from ctkit.web.guard import Ctx, requires
from ctkit.web.pages import render
from ctkit.web.policy import OrgResource
from ctkit.web.routes.cases import ERRORS, CaseId

router = APIRouter()
api = APIRouter(prefix="/api/v1/audit", tags=["audit"])
UNUSUAL_FLOOR = 50  # fewer events than this in the window is never flagged


class AccessOut(BaseModel):
    seq: int
    at: datetime
    actor_id: str | None
    action: str
    outcome: str
    reason: str


class VolumeOut(BaseModel):
    actor_id: str | None
    action: str
    events: int
    unusual: bool


def case_access(ctx: Ctx, case_id: str) -> list[dict]:
    """Audit rows about one case of the actor's organisation (NotFoundError otherwise)."""
    with ctx.state.store.engine.connect() as conn:
        facts = case_facts(conn, case_id)
    try:
        ctx.authorize("audit.view", OrgResource(facts.organisation_id or ""))
    except PermissionDenied:
        raise NotFoundError("case not found") from None
    with transaction(ctx.state.store.engine) as session:
        return audit.access_to(session, case_id)


def access_volume(ctx: Ctx, hours: int) -> list[dict]:
    """Events per user and action in the last ``hours``; ``unusual`` marks counts far above the median."""
    ctx.authorize("audit.view", OrgResource(ctx.actor.organisation_id))
    since = datetime.now(UTC) - timedelta(hours=hours)
    with transaction(ctx.state.store.engine) as session:
        rows = audit.volume_by_actor(session, ctx.actor.organisation_id, since)
    median = statistics.median([r["events"] for r in rows]) if rows else 0
    return [{**r, "unusual": r["events"] >= max(UNUSUAL_FLOOR, 3 * median)} for r in rows]


@router.get("/audit/cases/{case_id}", include_in_schema=False)
def case_access_page(ctx: Annotated[Ctx, Depends(requires("audit.view"))], case_id: CaseId) -> Response:
    return render(ctx, "audit_case.html", case_id=case_id, rows=case_access(ctx, case_id))


@router.get("/audit/volume", include_in_schema=False)
def volume_page(ctx: Annotated[Ctx, Depends(requires("audit.view"))],
                hours: Annotated[int, Query(ge=1, le=24 * 90)] = 24) -> Response:
    return render(ctx, "audit_volume.html", rows=access_volume(ctx, hours), hours=hours)


@api.get("/cases/{case_id}", response_model=list[AccessOut], responses=ERRORS)
def api_case_access(ctx: Annotated[Ctx, Depends(requires("audit.view"))], case_id: CaseId) -> list[AccessOut]:
    """Who did what to a case, newest first."""
    return [AccessOut(**r) for r in case_access(ctx, case_id)]


@api.get("/volume", response_model=list[VolumeOut], responses=ERRORS)
def api_volume(ctx: Annotated[Ctx, Depends(requires("audit.view"))],
               hours: Annotated[int, Query(ge=1, le=24 * 90)] = 24) -> list[VolumeOut]:
    """Events per user and action in the last ``hours`` (default 24), busiest first."""
    return [VolumeOut(**r) for r in access_volume(ctx, hours)]
