"""Link review pages and API: uncertain pairs of case records, their comparison evidence, accept or reject.

Pages work without JavaScript (forms post back and redirect, 303); the evidence chart is server-drawn SVG (no
script, no inline style). The services, the two-case policy rule and the audit live in
:mod:`ctkit.web.link_review`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Query
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ctkit.share.link.review import LINK_REASONS
from ctkit.share.link.review_store import PairRecord
from ctkit.web import link_review as svc
from ctkit.web.guard import Ctx, requires
from ctkit.web.pages import render

router = APIRouter(prefix="/links")
api = APIRouter(prefix="/api/v1/links", tags=["links"])
PairId = Annotated[str, Path(pattern=r"^[0-9a-fA-F-]{8,36}$", description="link pair id")]
Status = Literal["pending", "model", "accepted", "rejected"]
ERRORS = {404: {"description": "no such link pair in your scope"}, 409: {"description": "decided by someone else"},
          422: {"description": "invalid input"}}
REASON_LABELS = {**LINK_REASONS, "above_threshold": "Above the model's threshold"}
CHART_HALF = 140  # pixels either side of zero in the evidence chart
CHART_MAX = 16.0  # match weight (bits) drawn at full length; stronger evidence is clipped


def bars(evidence: list[dict]) -> list[dict]:
    """Evidence as SVG bars: x and width in pixels around the zero line, positive weights to the right."""
    out = []
    for i, item in enumerate(evidence):
        length = min(abs(item["weight"]), CHART_MAX) / CHART_MAX * CHART_HALF
        x = CHART_HALF if item["weight"] >= 0 else CHART_HALF - length
        out.append({**item, "y": i * 26, "x": round(x, 1), "width": round(max(length, 1), 1)})
    return out


# -- pages ----------------------------------------------------------------------------------------------------------


@router.get("", include_in_schema=False)
def list_page(ctx: Annotated[Ctx, Depends(requires(svc.REVIEW))], status: Status = "pending",
              offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    pairs, total = svc.list_page(ctx, status, offset)
    return render(ctx, "links.html", pairs=pairs, total=total, status=status, statuses=svc.STATUSES,
                  offset=offset, page=svc.PAGE, reason_labels=REASON_LABELS)


@router.get("/{pair_id}", include_in_schema=False)
def pair_page(ctx: Annotated[Ctx, Depends(requires(svc.REVIEW))], pair_id: PairId) -> Response:
    view = svc.view_pair(ctx, pair_id)
    return render(ctx, "links_pair.html", view=view, bars=bars(view.pair.evidence), reasons=LINK_REASONS,
                  half=CHART_HALF)


@router.post("/{pair_id}/decision", include_in_schema=False)
def decide_page(ctx: Annotated[Ctx, Depends(requires(svc.DECIDE))], pair_id: PairId,
                decision: Annotated[Literal["accept", "reject"], Form()],
                reason: Annotated[str, Form(max_length=40)],
                version: Annotated[int, Form(ge=1, le=1_000_000_000)]) -> Response:
    svc.decide(ctx, pair_id, accepted=decision == "accept", reason=reason, version=version)
    return RedirectResponse(f"/links/{pair_id}", status_code=303)


# -- JSON API -------------------------------------------------------------------------------------------------------


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    accepted: bool = Field(description="true: the two records are one person; false: they are not")
    reason: str = Field(max_length=40, description="why", json_schema_extra={"enum": list(LINK_REASONS)})
    version: int | None = Field(default=None, ge=1, description="the pair's version as read; a stale one is 409")


@api.get("", responses=ERRORS)
def api_list(ctx: Annotated[Ctx, Depends(requires(svc.REVIEW))], status: Status = "pending",
             offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> dict[str, Any]:
    """Pairs whose two cases you may see: ``pending`` (most uncertain first), ``model`` (links the model made
    above its threshold, weakest first), ``accepted`` or ``rejected`` (by people, newest first)."""
    pairs, total = svc.list_page(ctx, status, offset)
    return {"total": total, "offset": offset, "limit": svc.PAGE, "pairs": pairs}


@api.get("/{pair_id}", responses=ERRORS)
def api_pair(ctx: Annotated[Ctx, Depends(requires(svc.REVIEW))], pair_id: PairId) -> PairRecord:
    """One pair: ids, scores, the decision and the evidence, per comparison ``comparison``, ``level`` (the model's
    label), ``kind`` (agree, close, disagree, missing) and ``weight`` (bits); no personal data."""
    return svc.view_pair(ctx, pair_id).pair


@api.post("/{pair_id}/decision", responses=ERRORS)
def api_decide(ctx: Annotated[Ctx, Depends(requires(svc.DECIDE))], pair_id: PairId,
               body: DecisionIn) -> PairRecord:
    """Accept or reject a pair with a reason code; a pair someone already decided answers 409."""
    return svc.decide(ctx, pair_id, accepted=body.accepted, reason=body.reason, version=body.version)
