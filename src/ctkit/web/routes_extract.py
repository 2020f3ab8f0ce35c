"""Text extraction pages and API: paste or upload a text, see the facts highlighted where they were read, and
confirm the chosen ones into a new or an existing case.

The text is personal data. It travels in POST bodies only, is never logged, put in a URL or in the audit trail
(which gets ids and counts), and is not stored: confirming sends the chosen facts (codes and place names), not the
text. Highlighting splits the text into segments that the template autoescapes, so nothing in it can become HTML.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ctkit.errors import ValidationError
from ctkit.web.guard import Ctx, requires
from ctkit.web.pages import render
from ctkit.web.policy import OrgResource, scope_filter
from ctkit.web.routes_screening import audit, create_owned_case, editable_cases, may_create, update_case

router = APIRouter()
api = APIRouter(prefix="/api/v1/extract", tags=["extract"])
ACTION = "text.extract"
MAX_CHARS = 100_000  # a long report; larger documents go through `ctkit extract` on the server
MAX_UPLOAD_BYTES = 400_000
ERRORS = {401: {"description": "not signed in"}, 403: {"description": "not allowed"},
          404: {"description": "no such case in your scope"}, 413: {"description": "text too long"},
          422: {"description": "invalid input"}}
LEG_OF_ROLE = {"origin": "recruitment", "transit": "transit", "destination": "exploitation"}
FORM_OF_LABEL = {"sexual_exploitation": "sexual", "forced_labour": "forced_labour",
                 "domestic_servitude": "domestic_servitude", "forced_begging": "forced_begging",
                 "forced_criminality": "forced_criminality", "forced_marriage": "forced_marriage",
                 "forced_military": "forced_military", "organ_removal": "organ_removal", "sale_of_children": "other"}
SECTOR_OF_LABEL = {"beauty_services": "other"}  # the rest have the same code in the case vocabulary
MEANS_OF_LABEL = {"withheld_wages": "takes_earnings", "threats": "physical_threats",
                  "poor_living_conditions": "withholds_necessities", "isolation": "restricts_movement",
                  "sale_of_person": "other", "coercion": "other"}
CATEGORIES = ("exploitation", "sectors", "means")


def _check_text(text: str) -> str:
    if not text.strip():
        raise ValidationError("text: empty", hint="paste a text or choose a file")
    if len(text) > MAX_CHARS:
        raise ValidationError(f"text: longer than {MAX_CHARS} characters", hint="split it, or use ctkit extract")
    if "\x00" in text:
        raise ValidationError("text: contains binary data")
    return text


def read_upload(upload: UploadFile) -> str:
    """The uploaded file as text: UTF-8 only, size-limited. The message names the problem, never the content."""
    data = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(f"file: larger than {MAX_UPLOAD_BYTES // 1000} kB", hint="split it, or use ctkit extract")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("file: not UTF-8 text", hint="save it as UTF-8 and upload it again") from None


def run(text: str) -> dict[str, Any]:
    from ctkit.identify.text import extract

    return extract(_check_text(text))


# -- highlighting ---------------------------------------------------------------------------------------------------


def _marks(text: str, facts: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(start, end, label) for every fact: places at their name inside the evidence, the rest at the sentence."""
    marks = []
    for place in facts.get("places", []):
        start, end = place["evidence_span"]
        found = text.find(place["surface"], start, end)
        span = (found, found + len(place["surface"])) if found >= 0 else (start, end)
        marks.append((*span, f"{place['name']}: {', '.join(place['roles'])}"))
    for category in (*CATEGORIES, "recruitment"):
        marks += [(*item["evidence_span"], item["label"]) for item in facts.get(category, [])]
    marks += [(*item["evidence_span"], item["label"]) for item in facts.get("victims", {}).get("vulnerabilities", [])]
    return marks


def segments(text: str, facts: dict[str, Any]) -> list[dict[str, Any]]:
    """The text cut at every evidence boundary: ``{"text", "labels"}`` pieces in order (labels empty: plain)."""
    marks = _marks(text, facts)
    cuts = sorted({0, len(text), *(p for s, e, _ in marks for p in (s, e) if 0 <= p <= len(text))})
    out = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        labels = sorted({label for s, e, label in marks if s <= start and end <= e})
        out.append({"text": text[start:end], "labels": labels})
    return out


def choices(facts: dict[str, Any]) -> list[dict[str, str]]:
    """What the user may confirm, each as a form value (``kind|code|country|place``) with a readable label."""
    out = []
    for place in facts.get("places", []):
        for role in place["roles"]:
            if role in LEG_OF_ROLE and place.get("country"):
                value = f"leg|{LEG_OF_ROLE[role]}|{place['country']}|{place['name']}"
                out.append({"value": value, "kind": "route", "label": f"{LEG_OF_ROLE[role]}: {place['name']}"})
    for category in CATEGORIES:
        out += [{"value": f"{category}|{item['label']}", "kind": category, "label": item["label"]}
                for item in facts.get(category, [])]
    return out


# -- confirming into a case -----------------------------------------------------------------------------------------


def _leg(parts: list[str]):
    from ctkit.model import TraffickingEvent
    from ctkit.vocab.countries import country_alpha3

    if len(parts) != 4 or parts[1] not in LEG_OF_ROLE.values() or len(parts[3]) > 200:
        raise ValidationError("facts: a route leg must be leg|type|country|place")
    try:
        country = country_alpha3(parts[2])
    except ValidationError:
        raise ValidationError("facts: a route leg names an unknown country code") from None
    return TraffickingEvent(type=parts[1], country=country, place=parts[3] or None)


def apply_facts(case, chosen: list[str]) -> int:
    """Add the chosen facts to ``case``: route legs, forms of exploitation, sectors, means of control (yes).

    Existing facts are kept; a fact already there is not added twice. Returns how many facts were chosen.
    Raises ValidationError naming the kind of a malformed fact (never its text).
    """
    from ctkit.model import Exploitation
    from ctkit.vocab import code_list

    forms, sectors = [], []
    for value in chosen:
        parts = value.split("|")
        kind, code = parts[0], parts[1] if len(parts) > 1 else ""
        if kind == "leg":
            leg = _leg(parts)
            if not any((e.type, e.country, e.place) == (leg.type, leg.country, leg.place) for e in case.events):
                case.events.append(leg)
        elif kind == "exploitation" and code in FORM_OF_LABEL:
            forms.append(FORM_OF_LABEL[code])
        elif kind == "sectors" and SECTOR_OF_LABEL.get(code, code) in code_list("sector"):
            sectors.append(SECTOR_OF_LABEL.get(code, code))
        elif kind == "means" and MEANS_OF_LABEL.get(code, code) in code_list("means_of_control"):
            case.means_of_control[MEANS_OF_LABEL.get(code, code)] = "yes"
        else:
            raise ValidationError(f"facts: unknown {kind or 'fact'} label")
    have = {(e.form, e.sector) for e in case.exploitations}
    have_forms = {e.form for e in case.exploitations}
    # Sectors go with the first form of the text (or "other"): the extractor does not say which goes with which.
    pairs = [((forms or ["other"])[0], s) for s in sectors] + [(f, None) for f in forms[1 if sectors else 0:]]
    case.exploitations += [Exploitation(form=f, sector=s) for f, s in dict.fromkeys(pairs)
                           if (f, s) not in have and (s is not None or f not in have_forms)]
    return len(chosen)


def confirm(ctx: Ctx, chosen: list[str], case_id: str | None) -> str:
    """Confirm ``chosen`` facts into ``case_id`` (case.edit on it) or a new case (case.create); audited with the
    number of facts only. Returns the case id."""
    from ctkit.model import Case

    if not chosen:
        raise ValidationError("facts: choose at least one fact to confirm")
    if case_id:
        count = 0

        def change(case) -> None:
            nonlocal count
            count = apply_facts(case, chosen)

        reason = update_case(ctx, case_id, change)
        audit(ctx, "case.edit", case_id, reason, source="text_extraction", facts=count)
        return case_id
    case = Case(organisation_id=ctx.actor.organisation_id, registered_on=date.today(), source="text_extraction")
    count = apply_facts(case, chosen)
    reason = create_owned_case(ctx, case)
    audit(ctx, "case.create", case.id, reason, source="text_extraction", facts=count)
    return case.id


# -- pages ----------------------------------------------------------------------------------------------------------


@router.get("/extract", include_in_schema=False)
def extract_start(ctx: Annotated[Ctx, Depends(requires(ACTION))]) -> Response:
    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    return render(ctx, "extract/start.html", max_chars=MAX_CHARS)


@router.post("/extract", include_in_schema=False)
def extract_page(ctx: Annotated[Ctx, Depends(requires(ACTION))],
                 text: Annotated[str, Form(max_length=MAX_CHARS)] = "",
                 file: Annotated[UploadFile | None, File()] = None) -> Response:
    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    if file is not None and file.filename:
        text = read_upload(file)
    facts = run(text)
    return render(ctx, "extract/result.html", facts=facts, segments=segments(text, facts), choices=choices(facts),
                  cases=editable_cases(ctx), can_create=may_create(ctx))


@router.post("/extract/confirm", include_in_schema=False)
def confirm_page(ctx: Annotated[Ctx, Depends(requires(ACTION))],
                 fact: Annotated[list[str], Form()],
                 case_id: Annotated[str, Form(pattern=r"^([0-9a-fA-F-]{36})?$")] = "") -> Response:
    case_id = confirm(ctx, fact, case_id or None)
    target = f"/cases/{case_id}" if scope_filter(ctx.actor, "case.view") else "/extract"
    return RedirectResponse(target, status_code=303)


# -- JSON API -------------------------------------------------------------------------------------------------------


def fact_pattern() -> str:
    """The form of a confirmable fact, as a regular expression (the API schema says exactly what is accepted)."""
    from ctkit.vocab import code_list
    from ctkit.vocab.countries import all_countries, country_alpha2

    def alt(codes) -> str:
        return "|".join(sorted(codes))

    labels = {"exploitation": FORM_OF_LABEL,
              "sectors": [*code_list("sector"), *SECTOR_OF_LABEL],
              "means": [*code_list("means_of_control"), *MEANS_OF_LABEL]}
    kinds = "|".join(f"{kind}\\|({alt(codes)})" for kind, codes in labels.items())
    leg = f"leg\\|({alt(LEG_OF_ROLE.values())})\\|({alt(country_alpha2(c) for c in all_countries())})\\|[^|]{{0,200}}"
    return f"^({leg}|{kinds})$"


class TextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_CHARS, pattern=r"^[^\x00]*\S[^\x00]*$",
                      description="the document (English or Russian); not empty, no NUL characters")


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    facts: list[Annotated[str, Field(pattern=fact_pattern())]] = Field(
        min_length=1, max_length=500, description="values from `choices` of POST /extract")
    case_id: str | None = Field(default=None, pattern=r"^[0-9a-fA-F-]{36}$",
                                description="add to this case (you must be allowed to edit it); empty: new case")


class ConfirmOut(BaseModel):
    case_id: str


@api.post("", responses=ERRORS)
def api_extract(ctx: Annotated[Ctx, Depends(requires(ACTION))], body: TextIn) -> dict[str, Any]:
    """The facts of one text (as ``ctkit extract``), plus ``choices``: the facts that can be confirmed into a case."""
    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    facts = run(body.text)
    return {**facts, "choices": choices(facts)}


@api.post("/confirm", response_model=ConfirmOut, status_code=201, responses=ERRORS)
def api_confirm(ctx: Annotated[Ctx, Depends(requires(ACTION))], body: ConfirmIn) -> ConfirmOut:
    """Add chosen facts to ``case_id`` (case.edit) or to a new case (case.create)."""
    return ConfirmOut(case_id=confirm(ctx, body.facts, body.case_id))
