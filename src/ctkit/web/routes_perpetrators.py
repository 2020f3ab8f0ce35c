"""Perpetrators on a case: a page (forms work without JavaScript) and the JSON API under ``/api/v1/casework``.

Listing needs ``perpetrator.view``; adding, editing and linking a proceeding need ``perpetrator.edit``. Names,
aliases, birth date, documents and notes can be entered (JSON: ``personal``; page: a few fields); other responses
say only whether personal data is recorded. Only the reveal (``perpetrator.reveal``: one perpetrator, a coded
reason in the body, never in the URL; audited) returns them. The services are in :mod:`ctkit.web.perpetrators`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ctkit.model import PerpetratorPersonalData
from ctkit.vocab import code_list
from ctkit.web import perpetrators as svc
from ctkit.web import reveal as reveal_helpers
from ctkit.web.guard import Ctx, requires
from ctkit.web.pages import render
from ctkit.web.routes_casework import Uuid, label
from ctkit.web.routes_casework_api import ERRORS, Code, Ref, rules

router = APIRouter(prefix="/casework/cases/{case_id}")
api = APIRouter(prefix="/api/v1/casework/cases/{case_id}", tags=["casework"])
Text = Annotated[str | None, Form(max_length=200)]
Label = Annotated[str | None, Form(max_length=40, alias="label")]  # not ``label``: the template helper's name
Alpha3 = Annotated[str, Field(min_length=3, max_length=3, pattern=r"^[A-Za-z]{3}$")]


def _page_details(sex: str, birth_year: int | None, citizenship: str | None, roles: list[str],
                  case_label: str | None) -> svc.Details:
    countries = tuple(c.strip().upper() for c in (citizenship or "").replace(",", " ").split() if c.strip())
    return svc.Details(sex=sex, birth_year=birth_year, citizenship=countries, roles=tuple(roles),
                       label=case_label or None)


def _page_personal(first_name: str | None, last_name: str | None, aliases: str | None,
                   birth_date: date | None) -> PerpetratorPersonalData | None:
    """The page's personal fields; None when all are empty (keep what is recorded)."""
    given = {"first_name": first_name or None, "last_name": last_name or None, "birth_date": birth_date,
             "aliases": [a.strip() for a in (aliases or "").split(",") if a.strip()]}
    return PerpetratorPersonalData(**given) if any(given.values()) else None


@dataclass(frozen=True)
class _PageForm:
    details: svc.Details
    personal: PerpetratorPersonalData | None


def _page_form(sex: Annotated[str, Form(max_length=40)] = "unknown",
               birth_year: Annotated[int | None, Form(ge=1900, le=2100)] = None,
               citizenship: Annotated[str | None, Form(max_length=40)] = None,
               roles: Annotated[list[str] | None, Form()] = None, case_label: Label = None,
               first_name: Text = None, last_name: Text = None, aliases: Text = None,
               birth_date: Annotated[date | None, Form()] = None) -> _PageForm:
    """The add and edit forms' fields (one form, two targets)."""
    return _PageForm(_page_details(sex, birth_year, citizenship, roles or [], case_label),
                     _page_personal(first_name, last_name, aliases, birth_date))


PageForm = Annotated[_PageForm, Depends(_page_form)]


def _back(case_id: str) -> Response:
    return RedirectResponse(f"/casework/cases/{case_id}/perpetrators", status_code=303)


def _page(ctx: Ctx, case_id: str, revealed: dict[str, object] | None = None,
          revealed_id: str | None = None) -> Response:
    case, version = svc.view(ctx, case_id)
    return render(ctx, "perpetrators/case.html", case=case, version=version, people=svc.summary(case),
                  label=label(ctx), roles=list(code_list("perpetrator_role")), sexes=list(code_list("sex")),
                  reasons=reveal_helpers.REASONS, revealed=revealed, revealed_id=revealed_id)


# -- pages ----------------------------------------------------------------------------------------------------------


@router.get("/perpetrators", include_in_schema=False)
def perpetrators_page(ctx: Annotated[Ctx, Depends(requires(svc.VIEW))], case_id: Uuid) -> Response:
    return _page(ctx, case_id)


@router.post("/perpetrators/{perpetrator_id}/reveal", include_in_schema=False)
def reveal_form(ctx: Annotated[Ctx, Depends(requires(svc.REVEAL))], case_id: Uuid, perpetrator_id: Uuid,
                reason: Annotated[str, Form(max_length=40)]) -> Response:
    revealed = svc.reveal(ctx, case_id, perpetrator_id, reason)
    if ctx.request.headers.get("hx-request"):
        return render(ctx, "personal.html", revealed=revealed, section_id=f"personal-{perpetrator_id}")
    return _page(ctx, case_id, revealed, perpetrator_id)


@router.post("/perpetrators", include_in_schema=False)
@rules
def add_form(ctx: Annotated[Ctx, Depends(requires(svc.EDIT))], case_id: Uuid,
             version: Annotated[int, Form(ge=1)], form: PageForm) -> Response:
    svc.add(ctx, case_id, form.details, personal=form.personal, version=version)
    return _back(case_id)


@router.post("/perpetrators/{perpetrator_id}", include_in_schema=False)
@rules
def edit_form(ctx: Annotated[Ctx, Depends(requires(svc.EDIT))], case_id: Uuid, perpetrator_id: Uuid,
              version: Annotated[int, Form(ge=1)], form: PageForm) -> Response:
    svc.edit(ctx, case_id, perpetrator_id, form.details, personal=form.personal, version=version)
    return _back(case_id)


@router.post("/proceedings/{proceeding_id}/perpetrator", include_in_schema=False)
@rules
def link_form(ctx: Annotated[Ctx, Depends(requires(svc.EDIT))], case_id: Uuid, proceeding_id: Uuid,
              version: Annotated[int, Form(ge=1)],
              perpetrator_id: Annotated[str | None, Form(max_length=36)] = None) -> Response:
    svc.link_proceeding(ctx, case_id, proceeding_id, perpetrator_id or None, version=version)
    return _back(case_id)


# -- JSON API -------------------------------------------------------------------------------------------------------


class PersonalIn(BaseModel):
    """Personal data of a perpetrator: stored encrypted, never returned."""

    model_config = ConfigDict(extra="forbid")
    first_name: str | None = Field(default=None, max_length=200)
    middle_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    aliases: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(default_factory=list, max_length=20)
    birth_date: date | None = None
    notes: str | None = Field(default=None, max_length=10_000)


class PerpetratorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    perpetrator_id: Ref | None = Field(default=None, description="add a perpetrator your organisation already "
                                       "recorded (on another case); then only roles and label are used")
    sex: Code = "unknown"
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    citizenship: list[Alpha3] = Field(default_factory=list, max_length=5)
    roles: list[Code] = Field(default_factory=list, max_length=15,
                              description="perpetrator_role codes (HTCDS per_RoleInProcess) on this case")
    label: str | None = Field(default=None, max_length=40, description="case-local reference, e.g. P1")
    personal: PersonalIn | None = Field(default=None, description="omit to keep what is recorded")
    version: int | None = Field(default=None, ge=1, description="the case version as read; a stale one is 409")

    def details(self) -> svc.Details:
        return svc.Details(sex=self.sex, birth_year=self.birth_year, citizenship=tuple(self.citizenship),
                           roles=tuple(self.roles), label=self.label)

    def personal_data(self) -> PerpetratorPersonalData | None:
        return None if self.personal is None else PerpetratorPersonalData(**self.personal.model_dump())


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    perpetrator_id: Ref | None = Field(description="a perpetrator of the case, or null: not known")
    version: int | None = Field(default=None, ge=1)


class RevealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=40, description="why the personal fields are needed",
                        json_schema_extra={"enum": list(reveal_helpers.REASONS)})


class PerpetratorOut(BaseModel):
    id: str
    version: int


@api.get("/perpetrators", response_model=dict[str, Any], responses=ERRORS)
@rules
def api_list(ctx: Annotated[Ctx, Depends(requires(svc.VIEW))], case_id: Uuid) -> dict[str, Any]:
    """The case's perpetrators (sex, birth year, citizenship, roles, label, the proceedings against each) and
    ``personal_recorded``; never names or other personal data."""
    case, version = svc.view(ctx, case_id)
    return {"case_id": case_id, "version": version, "perpetrators": svc.summary(case)}


@api.post("/perpetrators/{perpetrator_id}/reveal", response_model=dict[str, object], responses=ERRORS)
def api_reveal(ctx: Annotated[Ctx, Depends(requires(svc.REVEAL))], case_id: Uuid, perpetrator_id: Uuid,
               body: RevealIn) -> dict[str, object]:
    """One perpetrator's personal fields (names, aliases, birth date, documents, notes); the reveal, its reason
    and the perpetrator's id are written to the audit trail."""
    return svc.reveal(ctx, case_id, perpetrator_id, body.reason)


@api.post("/perpetrators", response_model=PerpetratorOut, status_code=201, responses=ERRORS)
@rules
def api_add(ctx: Annotated[Ctx, Depends(requires(svc.EDIT))], case_id: Uuid, body: PerpetratorIn) -> PerpetratorOut:
    """Put a new perpetrator on the case, or (``perpetrator_id``) one of your organisation's recorded ones."""
    pid, version = svc.add(ctx, case_id, body.details(), personal=body.personal_data(),
                           existing_id=body.perpetrator_id, version=body.version)
    return PerpetratorOut(id=pid, version=version)


@api.put("/perpetrators/{perpetrator_id}", response_model=PerpetratorOut, responses=ERRORS)
@rules
def api_edit(ctx: Annotated[Ctx, Depends(requires(svc.EDIT))], case_id: Uuid, perpetrator_id: Uuid,
             body: PerpetratorIn) -> PerpetratorOut:
    """Replace a perpetrator's details and their roles and label on this case (``personal`` omitted: kept)."""
    version = svc.edit(ctx, case_id, perpetrator_id, body.details(), personal=body.personal_data(),
                       version=body.version)
    return PerpetratorOut(id=perpetrator_id, version=version)


@api.post("/proceedings/{proceeding_id}/perpetrator", response_model=PerpetratorOut, responses=ERRORS)
@rules
def api_link(ctx: Annotated[Ctx, Depends(requires(svc.EDIT))], case_id: Uuid, proceeding_id: Uuid,
             body: LinkIn) -> PerpetratorOut:
    """Say which perpetrator of the case a proceeding is against."""
    version = svc.link_proceeding(ctx, case_id, proceeding_id, body.perpetrator_id, version=body.version)
    return PerpetratorOut(id=proceeding_id, version=version)
