"""The one JSON document describing a screening result, shared by ``ctkit screen --json`` and the web API."""

from __future__ import annotations

from typing import Any

from ctkit.identify.screening.adaptive import next_questions
from ctkit.identify.screening.explain import draft_warning, explain, explanation_data
from ctkit.identify.screening.messages import msg, text
from ctkit.identify.screening.questions import check_language, question
from ctkit.identify.screening.result import ScreeningResult


def result_document(result: ScreeningResult, lang: str = "en", next_limit: int = 5) -> dict[str, Any]:
    """JSON-serialisable document: outcome, per-set and per-dimension statuses, explanation (data and
    sentences in ``lang``), the next questions, means of control, and the catalogue id, version and status
    with the draft warning and the referral-not-legal-finding disclaimer.

    Raises ValidationError for a language the catalogue lacks.
    """
    cat = result.catalogue
    check_language(cat, lang)
    record = result.to_record()
    nxt = [question(cat, f, lang) for f in next_questions(result, next_limit)]
    return {
        "outcome": result.outcome,
        "outcome_text": msg(lang, "outcome." + result.outcome),
        "sets": record["sets"],
        "dimensions": record["dimensions"],
        "explanation": {"lines": explain(result, lang), "by_set": explanation_data(result)},
        "next_questions": [{"key": q.key, "phase": q.phase, "question": q.text, "label": q.label} for q in nxt],
        "means_of_control": record["means_of_control"],
        "exploitation": list(result.exploitation),
        "populations": list(result.populations),
        "answers": record["answers"],
        "catalogue": {
            "id": cat.id, "version": cat.version, "status": cat.status,
            "status_note": text(cat.status_note, lang),
            "warning": draft_warning(result, lang) if cat.is_draft else None,
        },
        "disclaimer": msg(lang, "disclaimer"),
        "language": lang,
    }
