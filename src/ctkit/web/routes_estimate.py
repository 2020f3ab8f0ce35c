"""Estimation pages and API for analysts: the hidden number of victims by Multiple Systems Estimation.

Input is an uploaded capture-history CSV (one 0/1 column per list and an optional ``count`` column) or the
store's cases, where each person's recording agencies form the history (computed by the repository without
decrypting anything). The page shows the estimate table, every warning and the sensitivity chart; the chart is
JSON in the page drawn by the plotly.js and ``dashboard.js`` the analysis pages already serve (no CDN, no inline
script). Runs on the store are audited with the method and the number of persons only.
"""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ctkit.errors import NotFoundError, ValidationError
from ctkit.store.audit import AuditEvent, append_now
from ctkit.web.guard import Ctx, requires
from ctkit.web.pages import render
from ctkit.web.policy import OrgResource

router = APIRouter()
api = APIRouter(prefix="/api/v1/estimate", tags=["estimate"])
ACTION = "estimate.run"
METHODS = ("stepwise", "bic", "aic", "classical", "main")
MAX_BOOTSTRAP = 500  # a web request; larger bootstraps go through `ctkit estimate` on the server
MAX_CSV_BYTES = 900_000  # under the app's request limit, so the message is ours
MAX_SEED = 2**31 - 1
ERRORS = {401: {"description": "not signed in"}, 403: {"description": "not allowed"},
          404: {"description": "source 'store': no person in the store was recorded by an agency"},
          422: {"description": "invalid input, or data that cannot support an estimate"}}
Method = Literal["stepwise", "bic", "aic", "classical", "main"]


def history_from_csv(data: bytes):
    """A capture history from CSV bytes. Messages name the problem (and a column), never a value."""
    import pandas as pd

    from ctkit.estimate import from_frame

    if len(data) > MAX_CSV_BYTES:
        raise ValidationError(f"file: larger than {MAX_CSV_BYTES // 1000} kB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("file: not UTF-8 text") from None
    try:
        frame = pd.read_csv(io.StringIO(text))
    except (ValueError, pd.errors.ParserError) as exc:
        raise ValidationError(f"file: cannot be read as a CSV table ({type(exc).__name__})") from None
    return from_frame(frame)


def history_from_store(ctx: Ctx):
    """Each person's recording agencies as a history; persons recorded by no agency cannot be on any list."""
    from ctkit.estimate import from_records

    records = [h.agencies for h in ctx.state.store.cases.persons_capture_histories() if h.agencies]
    if not records:
        # As the analysis pages answer a missing snapshot: there is nothing to estimate from yet.
        raise NotFoundError("the store holds no person recorded by an agency", hint="upload a CSV instead")
    append_now(ctx.state.store.engine, AuditEvent(
        action=ACTION, outcome="allowed", reason="scope_org", actor_id=ctx.actor.user_id,
        organisation_id=ctx.actor.organisation_id, resource_type="organisation",
        resource_id=ctx.actor.organisation_id, details={"source": "store", "persons": len(records)}))
    return from_records(records)


def run(history, method: str, bootstrap: int, seed: int | None):
    """Estimate with the library (one worker process: this runs inside a web request)."""
    from ctkit.estimate import estimate

    if method not in METHODS:
        raise ValidationError(f"method: one of {', '.join(METHODS)}")
    if not 0 <= bootstrap <= MAX_BOOTSTRAP:
        raise ValidationError(f"bootstrap: from 0 to {MAX_BOOTSTRAP} resamples here; use ctkit estimate for more")
    return estimate(history, method=method, bootstrap=bootstrap, seed=seed, workers=1)


def chart_json(result) -> str | None:
    from ctkit.estimate import sensitivity_figure

    if not result.sensitivity:
        return None
    # JSON inside <script type="application/json">: escape '<' so no '</script>' can end the element.
    return sensitivity_figure(result).to_json().replace("<", "\\u003c")


# -- pages ----------------------------------------------------------------------------------------------------------


@router.get("/estimate", include_in_schema=False)
def estimate_start(ctx: Annotated[Ctx, Depends(requires(ACTION))]) -> Response:
    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    return render(ctx, "estimate/page.html", methods=METHODS, chosen={"method": "stepwise", "bootstrap": 0},
                  result=None, max_bootstrap=MAX_BOOTSTRAP)


@router.post("/estimate", include_in_schema=False)
def estimate_page(ctx: Annotated[Ctx, Depends(requires(ACTION))],
                  source: Annotated[Literal["file", "store"], Form()] = "file",
                  method: Annotated[Method, Form()] = "stepwise",
                  bootstrap: Annotated[int, Form(ge=0, le=MAX_BOOTSTRAP)] = 0,
                  seed: Annotated[str, Form(max_length=10, pattern=r"^[0-9]*$")] = "",
                  file: Annotated[UploadFile | None, File()] = None) -> Response:
    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    if source == "store":
        history = history_from_store(ctx)
    elif file is not None and file.filename:
        history = history_from_csv(file.file.read(MAX_CSV_BYTES + 1))
    else:
        raise ValidationError("file: choose a CSV file, or use the store's cases")
    result = run(history, method, bootstrap, int(seed) if seed else None)
    return render(ctx, "estimate/page.html", methods=METHODS, result=result, chart=chart_json(result),
                  chosen={"method": method, "bootstrap": bootstrap, "seed": seed, "source": source},
                  max_bootstrap=MAX_BOOTSTRAP)


# -- JSON API -------------------------------------------------------------------------------------------------------


class EstimateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: Literal["rows", "store"] = Field(default="rows", description="rows below, or the store's cases")
    rows: list[dict[str, int]] = Field(default_factory=list, max_length=100_000,
                                       description="one object per pattern: a 0/1 value per list and 'count'")
    method: Method = "stepwise"
    bootstrap: int = Field(default=0, ge=0, le=MAX_BOOTSTRAP)
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)


@api.post("", responses=ERRORS)
def api_estimate(ctx: Annotated[Ctx, Depends(requires(ACTION))], body: EstimateIn) -> dict[str, Any]:
    """The estimate as ``ctkit estimate --json`` gives it: estimate, interval, method, model, warnings,
    diagnostics, sensitivity across models and provenance."""
    import pandas as pd

    from ctkit.estimate import from_frame

    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    if body.source == "store":
        history = history_from_store(ctx)
    elif body.rows:
        history = from_frame(pd.DataFrame(body.rows).fillna(0))
    else:
        raise ValidationError("rows: give the capture-history rows, or source 'store'")
    return run(history, body.method, body.bootstrap, body.seed).to_dict()
