"""Case pages and the case API; both call :mod:`ctkit.web.cases`, which applies the policy and audits."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ctkit.web import cases
from ctkit.web.guard import Ctx, requires
from ctkit.web.pages import render

router = APIRouter()
api = APIRouter(prefix="/api/v1", tags=["cases"])
CaseId = Annotated[str, Path(pattern=r"^[0-9a-fA-F-]{36}$", description="case id (UUID)")]
ReasonCode = Annotated[str, Field(description="why the personal fields are needed", json_schema_extra={
    "enum": list(cases.REVEAL_REASONS)})]
def _statuses() -> list[str]:
    from ctkit.vocab import code_list

    return list(code_list("case_status"))


ERRORS = {401: {"description": "not signed in"}, 403: {"description": "not allowed"},
          404: {"description": "no such case in your scope"}, 422: {"description": "invalid input"}}


@router.get("/cases", include_in_schema=False)
def case_list_page(ctx: Annotated[Ctx, Depends(requires("case.list"))],
                   offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    rows = cases.list_cases(ctx, limit=50, offset=offset)
    template = "cases_rows.html" if ctx.request.headers.get("hx-request") else "cases.html"
    return render(ctx, template, rows=rows, offset=offset, page=50)


@router.get("/cases/{case_id}", include_in_schema=False)
def case_page(ctx: Annotated[Ctx, Depends(requires("case.view"))], case_id: CaseId) -> Response:
    return render(ctx, "case.html", case=cases.view_case(ctx, case_id), revealed=None,
                  reasons=cases.REVEAL_REASONS, statuses=_statuses())


@router.post("/cases/{case_id}/reveal", include_in_schema=False)
def case_reveal_page(ctx: Annotated[Ctx, Depends(requires("person.reveal"))], case_id: CaseId,
                     reason: Annotated[str, Form(max_length=40)]) -> Response:
    revealed = cases.reveal(ctx, case_id, reason)
    if ctx.request.headers.get("hx-request"):
        return render(ctx, "personal.html", revealed=revealed)
    return render(ctx, "case.html", case=cases.view_case(ctx, case_id), revealed=revealed,
                  reasons=cases.REVEAL_REASONS, statuses=_statuses())


@router.post("/cases/{case_id}/status", include_in_schema=False)
def case_status_page(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: CaseId,
                     status: Annotated[str, Form(max_length=40)],
                     version: Annotated[int, Form(ge=1, le=1_000_000_000)]) -> Response:
    cases.set_status(ctx, case_id, status, version)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}/export.csv", include_in_schema=False)
def case_export(ctx: Annotated[Ctx, Depends(requires("case.export"))], case_id: CaseId) -> Response:
    body = cases.export_csv(ctx, case_id)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="case-{case_id}.csv"'})


# -- JSON API --------------------------------------------------------------------------------------------------


class CaseSummaryOut(BaseModel):
    id: str
    registered_on: date
    identification_status: str
    case_status: str
    version: int


class CaseOut(BaseModel):
    summary: CaseSummaryOut
    organisation_id: str | None
    sex: str
    age_years: int | None
    citizenship: list[str]
    forms: list[str]
    route: list[dict[str, str | None]]
    has_personal_data: bool = Field(description="whether personal fields hold values (hidden until revealed)")


class RevealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: ReasonCode


class CasePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case_status: str = Field(max_length=40, json_schema_extra={"enum": _statuses()})
    version: int = Field(ge=1, le=1_000_000_000, description="the version you read (optimistic locking)")


class VersionOut(BaseModel):
    id: str
    version: int


@api.get("/cases", response_model=list[CaseSummaryOut], responses=ERRORS)
def api_cases(ctx: Annotated[Ctx, Depends(requires("case.list"))],
              limit: Annotated[int, Query(ge=1, le=200)] = 50,
              offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[CaseSummaryOut]:
    """Cases in your scope, newest first; no personal data."""
    return [CaseSummaryOut(**vars(r)) for r in cases.list_cases(ctx, limit=limit, offset=offset)]


@api.get("/cases/{case_id}", response_model=CaseOut, responses=ERRORS)
def api_case(ctx: Annotated[Ctx, Depends(requires("case.view"))], case_id: CaseId) -> CaseOut:
    """One case with personal fields hidden."""
    view = cases.view_case(ctx, case_id)
    return CaseOut(**{**vars(view), "summary": CaseSummaryOut(**vars(view.summary))})


@api.post("/cases/{case_id}/reveal", response_model=dict[str, object], responses=ERRORS)
def api_reveal(ctx: Annotated[Ctx, Depends(requires("person.reveal"))], case_id: CaseId,
               body: RevealIn) -> dict[str, object]:
    """The person's personal fields; the reveal and its reason are written to the audit trail."""
    return cases.reveal(ctx, case_id, body.reason)


@api.patch("/cases/{case_id}", response_model=VersionOut,
           responses={**ERRORS, 409: {"description": "changed by someone else meanwhile"}})
def api_patch_case(ctx: Annotated[Ctx, Depends(requires("case.edit"))], case_id: CaseId,
                   body: CasePatch) -> VersionOut:
    """Change the case status (optimistic locking by version)."""
    return VersionOut(id=case_id, version=cases.set_status(ctx, case_id, body.case_status, body.version))
