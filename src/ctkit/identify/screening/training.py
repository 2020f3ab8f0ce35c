"""Training mode: vignettes with expert keys, trainee scoring, explanations of misses, class agreement."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from ctkit.errors import NotFoundError, ValidationError
from ctkit.identify.screening.agreement import cohen_kappa
from ctkit.identify.screening.answers import ANSWER_VALUES, NO, YES, ScreeningInput, prepare_input
from ctkit.identify.screening.catalogue import Catalogue
from ctkit.identify.screening.engine import evaluate
from ctkit.identify.screening.explain import fact_label
from ctkit.identify.screening.messages import msg, text
from ctkit.identify.screening.result import OUTCOME_ORDER, ScreeningResult
from ctkit.identify.screening.yamlio import parse_yaml

VIGNETTES_PATH = Path(__file__).parent / "data" / "vignettes.yaml"


@dataclass(frozen=True)
class Vignette:
    """A short case with its expert key: an answer for every fact of its sets, and the expected outcome."""

    id: str
    age: int | None
    exploitation: tuple[str, ...]
    expected_outcome: str
    title: dict[str, str]
    story: dict[str, str]
    teaching_note: dict[str, str]
    key: dict[str, str] = field(repr=False)

    def key_input(self, catalogue: Catalogue) -> ScreeningInput:
        return prepare_input(catalogue, age=self.age, exploitation=self.exploitation, answers=self.key)


def load_vignettes(catalogue: Catalogue, path: str | Path = VIGNETTES_PATH) -> list[Vignette]:
    """Read and check a vignette file for ``catalogue``; keys are expanded to every fact of the sets.

    Raises ValidationError naming the vignette and item (unknown indicator, missing language, bad outcome).
    """
    raw = _read(str(path))
    if raw.get("catalogue") != catalogue.id:
        raise ValidationError(f"vignettes {Path(path).name}: written for catalogue {raw.get('catalogue')}, "
                              f"not {catalogue.id}")
    out = [_vignette(catalogue, v) for v in raw.get("vignettes", [])]
    ids = [v.id for v in out]
    if len(set(ids)) != len(ids):
        raise ValidationError(f"vignettes {Path(path).name}: duplicate vignette id")
    return out


def get_vignette(vignettes: Iterable[Vignette], vignette_id: str) -> Vignette:
    """The vignette with this id; NotFoundError otherwise."""
    for v in vignettes:
        if v.id == vignette_id:
            return v
    raise NotFoundError(f"vignette {vignette_id}: not in the library")


@cache
def _read(path: str) -> dict[str, Any]:
    return parse_yaml(Path(path).read_text(encoding="utf-8"))


def _vignette(catalogue: Catalogue, raw: dict[str, Any]) -> Vignette:
    vid = raw.get("id", "?")
    try:
        for part in ("title", "story", "teaching_note"):
            missing = [lang for lang in catalogue.languages if not raw.get(part, {}).get(lang)]
            if missing:
                raise ValidationError(f"{part}: no text in language '{missing[0]}'")
        if raw.get("expected_outcome") not in OUTCOME_ORDER:
            raise ValidationError(f"expected_outcome must be one of {', '.join(OUTCOME_ORDER)}")
        key = _expand_key(catalogue, raw)
    except (ValidationError, KeyError, TypeError, AttributeError) as exc:
        message = exc.message if isinstance(exc, ValidationError) else f"malformed ({type(exc).__name__})"
        raise ValidationError(f"vignette {vid}: {message}") from None
    return Vignette(vid, raw.get("age"), tuple(raw["exploitation"]), raw["expected_outcome"], raw["title"],
                    raw["story"], raw["teaching_note"], key)


def _expand_key(catalogue: Catalogue, raw: dict[str, Any]) -> dict[str, str]:
    spec = raw["key"]
    default = spec.get("default", NO)
    if default not in ANSWER_VALUES:
        raise ValidationError("key default must be yes, no or unknown")
    listed = {k: YES for k in spec.get("yes", [])} | {k: "unknown" for k in spec.get("unknown", [])}
    # Validates every listed key against the catalogue and the vignette's sets.
    inp = prepare_input(catalogue, age=raw.get("age"), exploitation=raw["exploitation"], answers=listed)
    facts = set().union(*(catalogue.sets[s].facts() for s in inp.set_ids))
    return {f: inp.answers.get(f, default) for f in catalogue.fact_order if f in facts}


@dataclass(frozen=True)
class TraineeScore:
    """One trainee's screening of one vignette, compared with the key."""

    trainee: str
    vignette_id: str
    pairs: dict[str, tuple[str, str]]
    dimension_pairs: dict[str, tuple[str, str]]
    outcome: str
    key_outcome: str
    missed: tuple[str, ...]
    false_alarms: tuple[str, ...]

    @property
    def indicator_agreement(self) -> float:
        return sum(1 for a, b in self.pairs.values() if a == b) / len(self.pairs)

    @property
    def dimension_agreement(self) -> float:
        return sum(1 for a, b in self.dimension_pairs.values() if a == b) / len(self.dimension_pairs)

    @property
    def outcome_correct(self) -> bool:
        return self.outcome == self.key_outcome


def score_trainee(catalogue: Catalogue, vignette: Vignette, answers: Mapping[str, Any],
                  outcome: str | None = None, trainee: str = "trainee") -> TraineeScore:
    """Score a trainee's answers (keys as in screening; unanswered facts count as ``no``) against the key.

    ``outcome`` is the trainee's own conclusion; if None, the engine's outcome on the trainee's answers is
    scored. Agreement is per indicator (fact), per dimension status (set x dimension) and on the outcome.
    Raises ValidationError for unknown ids or an invalid outcome.
    """
    if outcome is not None and outcome not in OUTCOME_ORDER:
        raise ValidationError(f"outcome '{outcome}': must be one of {', '.join(OUTCOME_ORDER)}")
    given = prepare_input(catalogue, age=vignette.age, exploitation=vignette.exploitation, answers=answers)
    theirs = {f: given.answers.get(f, NO) for f in vignette.key}
    mine = evaluate(catalogue, replace(given, answers=theirs))
    key = evaluate(catalogue, vignette.key_input(catalogue))
    pairs = {f: (theirs[f], vignette.key[f]) for f in vignette.key}
    return TraineeScore(
        trainee, vignette.id, pairs, _dimension_pairs(mine, key), outcome or mine.outcome, key.outcome,
        tuple(f for f, (a, b) in pairs.items() if b == YES and a != YES),
        tuple(f for f, (a, b) in pairs.items() if a == YES and b != YES),
    )


def _dimension_pairs(mine: ScreeningResult, key: ScreeningResult) -> dict[str, tuple[str, str]]:
    return {f"{sid}.{d}": (mine.sets[sid].dimensions[d].status, r.status)
            for sid, s in key.sets.items() for d, r in s.dimensions.items()}


def feedback(catalogue: Catalogue, vignette: Vignette, score: TraineeScore, lang: str = "en") -> list[str]:
    """Sentences for the trainee: agreement figures, each missed indicator with why it matters, false alarms,
    and the vignette's teaching note."""
    key = evaluate(catalogue, vignette.key_input(catalogue))
    lines = [
        msg(lang, "score_indicators", agree=_agreeing(score.pairs), total=len(score.pairs)),
        msg(lang, "score_dimensions", agree=_agreeing(score.dimension_pairs), total=len(score.dimension_pairs)),
        msg(lang, "score_outcome", yours=score.outcome, expected=score.key_outcome),
    ]
    for fact in score.missed:
        lines.append(msg(lang, "missed", label=fact_label(key, fact, lang),
                         explanation=text(catalogue.concept_of(fact).explanation, lang)))
    lines += [msg(lang, "false_alarm", label=fact_label(key, f, lang)) for f in score.false_alarms]
    lines.append(f"{msg(lang, 'teaching_note')}: {text(vignette.teaching_note, lang)}")
    return lines


def _agreeing(pairs: Mapping[str, tuple[str, str]]) -> int:
    return sum(1 for a, b in pairs.values() if a == b)


@dataclass(frozen=True)
class TraineeSummary:
    trainee: str
    vignettes: int
    indicator_agreement: float
    dimension_agreement: float
    outcome_accuracy: float
    kappa_indicators: float
    kappa_outcomes: float


@dataclass(frozen=True)
class ClassReport:
    """A class's scores: per trainee, and pooled kappa of all trainees against the key."""

    trainees: dict[str, TraineeSummary]
    kappa_indicators: float
    kappa_outcomes: float
    outcome_accuracy_by_vignette: dict[str, float]


def class_report(scores: Iterable[TraineeScore]) -> ClassReport:
    """Summarise scores per trainee and for the class; kappa compares trainee labels with the key's.

    Raises ValidationError when there are no scores.
    """
    scores = list(scores)
    if not scores:
        raise ValidationError("class report: no trainee scores")
    by_trainee: dict[str, list[TraineeScore]] = {}
    for s in scores:
        by_trainee.setdefault(s.trainee, []).append(s)
    trainees = {name: _summary(name, items) for name, items in sorted(by_trainee.items())}
    by_vignette: dict[str, list[bool]] = {}
    for s in scores:
        by_vignette.setdefault(s.vignette_id, []).append(s.outcome_correct)
    ind_a, ind_b = _indicator_labels(scores)
    return ClassReport(
        trainees, cohen_kappa(ind_a, ind_b),
        cohen_kappa([s.outcome for s in scores], [s.key_outcome for s in scores]),
        {v: sum(ok) / len(ok) for v, ok in sorted(by_vignette.items())},
    )


def _indicator_labels(scores: list[TraineeScore]) -> tuple[list[str], list[str]]:
    pairs = [p for s in scores for p in s.pairs.values()]
    return [a for a, _ in pairs], [b for _, b in pairs]


def _summary(name: str, items: list[TraineeScore]) -> TraineeSummary:
    n = len(items)
    ind_a, ind_b = _indicator_labels(items)
    return TraineeSummary(
        name, n,
        sum(s.indicator_agreement for s in items) / n,
        sum(s.dimension_agreement for s in items) / n,
        sum(1 for s in items if s.outcome_correct) / n,
        cohen_kappa(ind_a, ind_b),
        cohen_kappa([s.outcome for s in items], [s.key_outcome for s in items]),
    )
