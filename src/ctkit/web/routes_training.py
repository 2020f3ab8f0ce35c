"""Training pages and API: the vignette library, screening a vignette, the score with misses explained, and the
trainer's class report (per-trainee agreement and Cohen's kappa against the key).

Trainees (``training.use``) see and score only their own attempts; the class report (``training.review``, trainers)
covers the attempts of the trainer's organisation. Attempts are stored in ``training_attempts`` and re-scored
from their answers whenever a report is drawn.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from ctkit.errors import ValidationError
from ctkit.store.accounts import users
from ctkit.store.training_tables import add_attempt, attempts_of
from ctkit.web.guard import Ctx, requires
from ctkit.web.pages import render
from ctkit.web.policy import OrgResource
from ctkit.web.routes_screening import answer_keys

router = APIRouter()
api = APIRouter(prefix="/api/v1/training", tags=["training"])
ACTION, REVIEW = "training.use", "training.review"
ANSWER_PREFIX = "a:"
OUTCOMES = ("refer", "insufficient", "ask_more")
VignetteId = Annotated[str, Path(pattern=r"^[a-z0-9_]{1,80}$", description="vignette id")]
ERRORS = {401: {"description": "not signed in"}, 403: {"description": "not allowed"},
          404: {"description": "no such vignette"}, 422: {"description": "invalid input"}}


def _library():
    from ctkit.identify.screening import get_catalogue, load_vignettes

    cat = get_catalogue()
    return cat, load_vignettes(cat)


def _vignette(vignette_id: str):
    from ctkit.identify.screening import get_vignette

    cat, vignettes = _library()
    return cat, get_vignette(vignettes, vignette_id)


def _lang(ctx: Ctx) -> str:
    return ctx.lang if ctx.lang in ("en", "ru") else "en"


def score(ctx: Ctx, vignette_id: str, answers: dict[str, str], outcome: str | None) -> dict[str, Any]:
    """Score and store one attempt of the actor; returns the score and the feedback sentences in the UI language."""
    from ctkit.identify.screening import feedback, score_trainee

    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    cat, vignette = _vignette(vignette_id)
    result = score_trainee(cat, vignette, answers, outcome, trainee=ctx.actor.user_id)  # validates the answers
    add_attempt(ctx.state.store.engine, ctx.actor.organisation_id, ctx.actor.user_id, vignette_id,
                dict(answers), outcome)
    return {"vignette_id": vignette_id, "outcome": result.outcome, "key_outcome": result.key_outcome,
            "outcome_correct": result.outcome_correct, "indicator_agreement": result.indicator_agreement,
            "dimension_agreement": result.dimension_agreement, "missed": list(result.missed),
            "false_alarms": list(result.false_alarms), "feedback": feedback(cat, vignette, result, _lang(ctx))}


def class_view(ctx: Ctx) -> dict[str, Any] | None:
    """The class report of the actor's organisation, with usernames; None when nobody has trained yet."""
    from ctkit.identify.screening import class_report, score_trainee

    ctx.authorize(REVIEW, OrgResource(ctx.actor.organisation_id))
    cat, vignettes = _library()
    attempts = attempts_of(ctx.state.store.engine, ctx.actor.organisation_id)
    if not attempts:
        return None
    with ctx.state.store.engine.connect() as conn:
        names = dict(conn.execute(select(users.c.id, users.c.username)
                                  .where(users.c.organisation_id == ctx.actor.organisation_id)).all())
    by_id = {v.id: v for v in vignettes}
    # An attempt at a vignette since withdrawn from the library cannot be scored against a key: left out.
    scores = [score_trainee(cat, by_id[a.vignette_id], a.answers, a.outcome,
                            trainee=names.get(a.trainee_id, a.trainee_id)) for a in attempts if a.vignette_id in by_id]
    if not scores:
        return None
    report = class_report(scores)
    return {"trainees": [vars(t) for t in report.trainees.values()], "kappa_indicators": report.kappa_indicators,
            "kappa_outcomes": report.kappa_outcomes, "attempts": len(scores),
            "outcome_accuracy_by_vignette": report.outcome_accuracy_by_vignette}


# -- pages ----------------------------------------------------------------------------------------------------------


@router.get("/training", include_in_schema=False)
def vignette_list(ctx: Annotated[Ctx, Depends(requires(ACTION))]) -> Response:
    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    _, vignettes = _library()
    return render(ctx, "training/list.html", vignettes=vignettes, tlang=_lang(ctx))


@router.get("/training/class", include_in_schema=False)
def class_page(ctx: Annotated[Ctx, Depends(requires(REVIEW))]) -> Response:
    return render(ctx, "training/class.html", report=class_view(ctx))


@router.get("/training/{vignette_id}", include_in_schema=False)
def vignette_page(ctx: Annotated[Ctx, Depends(requires(ACTION))], vignette_id: VignetteId) -> Response:
    from ctkit.identify.screening import questions

    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    cat, vignette = _vignette(vignette_id)
    sets = vignette.key_input(cat).set_ids
    return render(ctx, "training/vignette.html", vignette=vignette, tlang=_lang(ctx), prefix=ANSWER_PREFIX,
                  questions=questions(cat, _lang(ctx), sets), outcomes=OUTCOMES)


@router.post("/training/{vignette_id}", include_in_schema=False)
async def score_page(ctx: Annotated[Ctx, Depends(requires(ACTION))], vignette_id: VignetteId,
                     request: Request) -> Response:
    form = await request.form()
    answers = {k[len(ANSWER_PREFIX):]: str(v) for k, v in form.items() if k.startswith(ANSWER_PREFIX) and v}
    outcome = form.get("outcome") or None
    if outcome is not None and outcome not in OUTCOMES:
        raise ValidationError(f"outcome: one of {', '.join(OUTCOMES)}")
    result = await run_in_threadpool(score, ctx, vignette_id, answers, outcome if isinstance(outcome, str) else None)
    _, vignette = _vignette(vignette_id)
    return render(ctx, "training/score.html", score=result, vignette=vignette, tlang=_lang(ctx))


# -- JSON API -------------------------------------------------------------------------------------------------------


class AttemptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: dict[str, Literal["yes", "no", "unknown"]] = Field(
        default_factory=dict, max_length=1000, json_schema_extra={"propertyNames": {"enum": answer_keys()}},
        description="indicator id or concept@phase -> yes / no / unknown; unanswered: no; a key must belong to "
                    "the vignette's sets (else 422 naming it)")
    outcome: Literal["refer", "insufficient", "ask_more"] | None = Field(
        default=None, description="your conclusion; empty: the engine's on your answers")


@api.get("/vignettes", responses=ERRORS)
def api_vignettes(ctx: Annotated[Ctx, Depends(requires(ACTION))]) -> list[dict[str, Any]]:
    """The vignette library in your language: id, title, story, age and kinds of exploitation (not the key)."""
    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    lang = _lang(ctx)
    return [{"id": v.id, "title": v.title[lang], "story": v.story[lang], "age": v.age,
             "exploitation": list(v.exploitation)} for v in _library()[1]]


@api.get("/class", responses=ERRORS)
def api_class(ctx: Annotated[Ctx, Depends(requires(REVIEW))]) -> dict[str, Any]:
    """The class report: per trainee agreement and kappa, and the class's kappa against the key."""
    return class_view(ctx) or {"trainees": [], "attempts": 0}


@api.post("/{vignette_id}", responses=ERRORS)
def api_score(ctx: Annotated[Ctx, Depends(requires(ACTION))], vignette_id: VignetteId,
              body: AttemptIn) -> dict[str, Any]:
    """Score your screening of a vignette against its key (stored for the trainer's class report)."""
    return score(ctx, vignette_id, dict(body.answers), body.outcome)
