"""Screening pages and API: the adaptive form in the screener's and the person's language, the explained result,
and saving it on a case the user may edit or as a new anonymous case.

The form works without JavaScript: every submit posts all answers and the page comes back re-ordered (the
questions most able to settle the outcome first); htmx only re-renders on each change. Answers are sensitive,
so they travel in POST bodies only, never in URLs, logs or the audit trail (which gets ids only).
The JSON API mirrors ``ctkit screen --answers FILE --json``: same answers document in, same document out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from ctkit.errors import NotFoundError, PermissionDenied, ValidationError
from ctkit.store import tables as t
from ctkit.store.accounts import grant_case
from ctkit.store.audit import AuditEvent, append_now
from ctkit.store.db import transaction
from ctkit.web.case_scope import case_facts, scope_clause
from ctkit.web.guard import Ctx, requires
from ctkit.web.i18n import LANGUAGES, normalise
from ctkit.web.pages import render
from ctkit.web.policy import OrgResource, matrix, scope_filter

router = APIRouter()
api = APIRouter(prefix="/api/v1/screening", tags=["screening"])
ACTION = "screening.run"
CASE_ID = re.compile(r"[0-9a-fA-F-]{36}")
ANSWER_PREFIX = "a:"  # form field of one answer: "a:<concept@phase>"
KINDS = ("labour", "sexual", "both")
NEXT_SHOWN = 3
ERRORS = {401: {"description": "not signed in"}, 403: {"description": "not allowed"},
          404: {"description": "no such case in your scope"}, 422: {"description": "invalid input"}}


def _catalogue():
    from ctkit.identify.screening import get_catalogue

    return get_catalogue()


# -- saving onto a case (shared with the extraction pages) --------------------------------------------------------


def editable_cases(ctx: Ctx, limit: int = 50) -> list[tuple[str, date]]:
    """Ids and registration dates of cases the actor may edit (the policy's query filter), newest first."""
    scope = scope_filter(ctx.actor, "case.edit")
    if scope is None:
        return []
    c = t.cases.c
    query = (select(c.id, c.registered_on).where(scope_clause(scope))
             .order_by(c.registered_on.desc(), c.id).limit(limit))
    with ctx.state.store.engine.connect() as conn:
        return [(r.id, r.registered_on) for r in conn.execute(query)]


def may_create(ctx: Ctx) -> bool:
    return bool(matrix().scopes(ctx.actor.role, "case.create"))


def authorize_edit(ctx: Ctx, case_id: str) -> str:
    """The policy reason for editing ``case_id``. A case outside the actor's scope answers 404 (as the case
    pages do, so guessed ids confirm nothing); a role that may never edit gets the policy's 403."""
    with ctx.state.store.engine.connect() as conn:
        facts = case_facts(conn, case_id)
    try:
        return ctx.authorize("case.edit", facts).reason
    except PermissionDenied:
        if matrix().scopes(ctx.actor.role, "case.edit"):
            raise NotFoundError("case not found") from None
        raise


def audit(ctx: Ctx, action: str, case_id: str, reason: str, **details: Any) -> None:
    append_now(ctx.state.store.engine, AuditEvent(
        action=action, outcome="allowed", reason=reason, actor_id=ctx.actor.user_id,
        organisation_id=ctx.actor.organisation_id, resource_type="case", resource_id=case_id, details=details))


def create_owned_case(ctx: Ctx, case) -> str:
    """Add ``case`` (no personal data) for the actor's organisation, owned by the actor; audited as case.create."""
    decision = ctx.authorize("case.create", OrgResource(ctx.actor.organisation_id))
    ctx.state.store.cases.add(case)
    with transaction(ctx.state.store.engine) as session:
        grant_case(session, case.id, ctx.actor.user_id, "owner")
    return decision.reason


def update_case(ctx: Ctx, case_id: str, change) -> str:
    """Apply ``change(case)`` to a case the actor may edit and save it (optimistic locking); returns the
    policy reason. ConflictError if someone saved the case meanwhile."""
    reason = authorize_edit(ctx, case_id)
    repo = ctx.state.store.cases
    version = repo.version(case_id)
    case = repo.get(case_id)
    change(case)
    repo.update(case, version)
    return reason


# -- the screening itself -----------------------------------------------------------------------------------------


def _age(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        if not raw.strip().isdigit():
            raise ValidationError("age: must be a whole number from 0 to 130, or empty if not known")
        return int(raw)
    return raw


def parse_form(form: Mapping[str, Any]) -> dict[str, Any]:
    """The answers document (as in ``ctkit screen --answers``) from the form fields; checks kinds and languages."""
    kind = form.get("exploitation") or "labour"
    if kind not in KINDS:
        raise ValidationError(f"exploitation: one of {', '.join(KINDS)}")
    answers = {k[len(ANSWER_PREFIX):]: v for k, v in form.items() if k.startswith(ANSWER_PREFIX) and v}
    return {"age": _age(form.get("age")), "exploitation": [kind], "answers": answers}


def run(doc: Mapping[str, Any]):
    """Screen an answers document. Raises ValidationError naming the item at fault (never its value)."""
    from ctkit.identify.screening import evaluate, input_from_document

    cat = _catalogue()
    return evaluate(cat, input_from_document(cat, doc))


def form_view(result, lang: str, person_lang: str) -> dict[str, Any]:
    """The questions for the form: next (adaptive order), answered, and the rest; each with the person's text."""
    from ctkit.identify.screening import next_questions, questions

    cat = result.catalogue
    mine = questions(cat, lang, list(result.sets))
    theirs = {q.key: q for q in questions(cat, person_lang, list(result.sets))}
    nxt = next_questions(result, NEXT_SHOWN)
    by_key = {q.key: q for q in mine}
    items = [{"q": q, "person": theirs[q.key], "answer": result.answers.get(q.key)} for q in mine]
    from ctkit.identify.screening.messages import msg

    return {
        "opening": (msg(lang, "opening"), msg(person_lang, "opening")),
        "next": [i for k in nxt for i in items if i["q"].key == k and k in by_key],
        "answered": [i for i in items if i["answer"]],
        "rest": [i for i in items if not i["answer"] and i["q"].key not in nxt],
    }


def result_view(result, lang: str) -> dict[str, Any]:
    from ctkit.identify.screening import result_document
    from ctkit.identify.screening.messages import msg, text

    cat = result.catalogue
    doc = result_document(result, lang)
    sets = [{"label": text(cat.sets[sid].label, lang), "outcome": s.outcome,
             "outcome_text": msg(lang, "outcome." + s.outcome),
             "dimensions": [(text(cat.dimensions[d].label, lang), msg(lang, "status." + r.status))
                            for d, r in s.dimensions.items()]} for sid, s in result.sets.items()]
    return {"doc": doc, "sets": sets}


def save(ctx: Ctx, result, case_id: str | None) -> tuple[str, str]:
    """Save ``result`` on ``case_id`` (case.edit on it) or, without one, on a new anonymous case (case.create).

    Means of control implied by yes answers become the case's flags (yes only, never lowering one); for a
    ``refer`` outcome the screened kinds of exploitation are added. Returns (case id, screening id).
    """
    from ctkit.model import Case, Exploitation

    record = result.to_model(date.today())

    def change(case: Case) -> None:
        case.screenings.append(record)
        for code in _means_codes(result.means_of_control()):
            case.means_of_control[code] = "yes"
        if result.outcome == "refer":
            have = {e.form for e in case.exploitations}
            case.exploitations += [Exploitation(form=f) for f in result.exploitation_forms() if f not in have]

    if case_id:
        reason = update_case(ctx, case_id, change)
        audit(ctx, "case.edit", case_id, reason, screening_id=record.id)
        return case_id, record.id
    case = Case(organisation_id=ctx.actor.organisation_id, registered_on=date.today(), source="screening")
    change(case)
    reason = create_owned_case(ctx, case)
    audit(ctx, "case.create", case.id, reason, screening_id=record.id)
    return case.id, record.id


def _means_codes(htcds_codes: list[str]) -> list[str]:
    """HTCDS MethodsOfControl codes (``FalsePromises``) to ctkit's means-of-control codes where one exists."""
    from ctkit.vocab import code_list

    known = set(code_list("means_of_control"))
    snake = ["".join("_" + ch.lower() if ch.isupper() else ch for ch in code).lstrip("_") for code in htcds_codes]
    return [code for code in snake if code in known]


# -- pages ----------------------------------------------------------------------------------------------------------


def _page(ctx: Ctx, template: str, form: Mapping[str, Any], **values: Any) -> Response:
    person_lang = normalise(form.get("person_lang") or ctx.lang)
    doc = parse_form(form)
    result = run(doc)
    return render(ctx, template, result=result, form_view=form_view(result, ctx.lang, person_lang),
                  view=result_view(result, ctx.lang), age=doc["age"], kind=form.get("exploitation") or "labour",
                  person_lang=person_lang, languages=LANGUAGES, kinds=KINDS, prefix=ANSWER_PREFIX, **values)


@router.get("/screening", include_in_schema=False)
def start_page(ctx: Annotated[Ctx, Depends(requires(ACTION))]) -> Response:
    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    return render(ctx, "screening/start.html", kinds=KINDS, person_lang=ctx.lang)


@router.post("/screening", include_in_schema=False)
async def form_page(ctx: Annotated[Ctx, Depends(requires(ACTION))]) -> Response:
    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    form = await ctx.request.form()
    partial = bool(ctx.request.headers.get("hx-request"))
    return await run_in_threadpool(_page, ctx, "screening/questions.html" if partial else "screening/form.html", form)


@router.post("/screening/result", include_in_schema=False)
async def result_page(ctx: Annotated[Ctx, Depends(requires(ACTION))]) -> Response:
    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    form = await ctx.request.form()
    cases = await run_in_threadpool(editable_cases, ctx)
    return await run_in_threadpool(_page, ctx, "screening/result.html", form, cases=cases, can_create=may_create(ctx))


@router.post("/screening/save", include_in_schema=False)
async def save_page(ctx: Annotated[Ctx, Depends(requires(ACTION))]) -> Response:
    form = await ctx.request.form()
    case_id = form.get("case_id") or None
    if case_id is not None and not (isinstance(case_id, str) and CASE_ID.fullmatch(case_id)):
        raise ValidationError("case_id: not a case id")
    # Saving reads and writes the store: off the event loop, like the synchronous routes.
    case_id, _ = await run_in_threadpool(save, ctx, run(parse_form(form)), case_id)
    target = f"/cases/{case_id}" if scope_filter(ctx.actor, "case.view") else "/screening"
    return RedirectResponse(target, status_code=303)


# -- JSON API -------------------------------------------------------------------------------------------------------


def answer_keys() -> list[str]:
    """Every key an answers document may use: concept ids, ``concept@phase`` facts and case facts."""
    cat = _catalogue()
    return sorted({*cat.concepts, *cat.fact_order})


class AnswersIn(BaseModel):
    """The answers document of ``ctkit screen --answers`` (the sets follow from the age and the kinds)."""

    model_config = ConfigDict(extra="forbid")
    age: int | None = Field(default=None, ge=0, le=130, description="empty: screened as adult and as child")
    exploitation: list[Literal["labour", "sexual", "both"]] = Field(min_length=1, max_length=3)
    answers: dict[str, Literal["yes", "no", "unknown"]] = Field(
        default_factory=dict, max_length=1000, json_schema_extra={"propertyNames": {"enum": answer_keys()}},
        description="indicator id, concept@phase or case fact -> yes / no / unknown; a key must belong to a set "
                    "that applies (else 422 naming it)")


class SaveIn(AnswersIn):
    case_id: str | None = Field(default=None, pattern=r"^[0-9a-fA-F-]{36}$",
                                description="save on this case (you must be allowed to edit it); empty: new case")


class SavedOut(BaseModel):
    case_id: str
    screening_id: str


Lang = Annotated[Literal["en", "ru"], Query(description="language of the texts")]
SetId = Literal[tuple(_catalogue().sets)]  # type: ignore[valid-type]  # the built-in catalogue's sets


def _doc(body: AnswersIn) -> dict[str, Any]:
    return {"age": body.age, "exploitation": list(body.exploitation), "answers": dict(body.answers)}


@api.get("/questions", responses=ERRORS)
def api_questions(ctx: Annotated[Ctx, Depends(requires(ACTION))], lang: Lang = "en",
                  sets: Annotated[list[SetId] | None, Query(max_length=4)] = None) -> list[dict[str, Any]]:
    """Every question of the given sets (default: all) in catalogue order, in ``lang``."""
    from ctkit.identify.screening import questions

    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    return [{"key": q.key, "phase": q.phase, "question": q.text, "intro": q.intro, "label": q.label}
            for q in questions(_catalogue(), lang, sets)]


@api.post("", responses=ERRORS)
def api_screen(ctx: Annotated[Ctx, Depends(requires(ACTION))], body: AnswersIn, lang: Lang = "en") -> dict[str, Any]:
    """Screen one person: the same document as ``ctkit screen --answers FILE --json`` (outcome, sets, dimensions,
    explanation, next questions, catalogue id/version/status). Nothing is saved."""
    from ctkit.identify.screening import result_document

    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    return result_document(run(_doc(body)), lang)


@api.post("/save", response_model=SavedOut, status_code=201, responses=ERRORS)
def api_save(ctx: Annotated[Ctx, Depends(requires(ACTION))], body: SaveIn) -> SavedOut:
    """Screen and save the result on ``case_id`` (case.edit), or on a new anonymous case (case.create)."""
    case_id, screening_id = save(ctx, run(_doc(body)), body.case_id)
    return SavedOut(case_id=case_id, screening_id=screening_id)
