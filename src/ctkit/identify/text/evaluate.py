"""Scoring against a gold directory of ``NN.txt`` + ``NN.gold.json`` pairs: precision, recall and F1 per category
and language (micro-averaged over documents). Gold items marked ``"optional": true`` count neither way."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ctkit.errors import ValidationError
from ctkit.identify.text.inputs import decode_document
from ctkit.identify.text.pipeline import extract

__all__ = ["Score", "SCORED", "items_of", "score_pair", "evaluate_dir", "format_scores"]

SCORED = ("place_ids", "place_roles", "exploitation", "sectors", "means", "vulnerabilities", "recruitment")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _labels(items: list[dict]) -> tuple[set[str], set[str]]:
    required = {i["label"] for i in items if not i.get("optional")}
    return required, {i["label"] for i in items if i.get("optional")} - required


def items_of(doc: dict, category: str) -> tuple[set[str], set[str]]:
    """(required items, optional items) of one category in an output or gold object."""
    places = doc.get("places", [])
    if category == "place_ids":
        return ({p["name"] for p in places if not p.get("optional")},
                {p["name"] for p in places if p.get("optional")})
    if category == "place_roles":
        return ({f"{p['name']}|{r}" for p in places if not p.get("optional") for r in p.get("roles", [])},
                {f"{p['name']}|{r}" for p in places if p.get("optional") for r in p.get("roles", [])}
                | {f"{p['name']}|{r}" for p in places for r in p.get("optional_roles", [])})
    if category == "vulnerabilities":
        return _labels(doc.get("victims", {}).get("vulnerabilities", []))
    return _labels(doc.get(category, []))


def score_pair(predicted: dict, gold: dict) -> dict[str, Score]:
    """Scores of one document, per category."""
    scores = {}
    for category in SCORED:
        required, optional = items_of(gold, category)
        found, _ = items_of(predicted, category)
        if category == "place_roles":
            found = found | items_of(predicted, category)[1]
        found -= optional - required
        if category == "place_roles":
            optional_places = {p["name"] for p in gold.get("places", []) if p.get("optional")}
            found = {pair for pair in found if pair.split("|")[0] not in optional_places}
        scores[category] = Score(len(found & required), len(found - required), len(required - found))
    return scores


def evaluate_dir(gold_dir: Path) -> tuple[dict[str, dict[str, Score]], list[dict]]:
    """Score every ``NN.txt`` in ``gold_dir`` against its ``NN.gold.json``.

    Returns ({language or "all": {category: Score}}, per-document details). Raises ValidationError when the
    directory holds no pairs.
    """
    totals: dict[str, dict[str, Score]] = defaultdict(lambda: {c: Score() for c in SCORED})
    details = []
    pairs = sorted(p for p in gold_dir.glob("*.txt") if p.with_suffix(".gold.json").exists())
    if not pairs:
        raise ValidationError(f"{gold_dir}: no NN.txt + NN.gold.json pairs found")
    for path in pairs:
        gold = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))
        predicted = extract(decode_document(path.read_bytes(), name=path.name), path.stem)
        lang = gold.get("lang") or predicted["lang"]
        scores = score_pair(predicted, gold)
        for category, score in scores.items():
            for key in (lang, "all"):
                total = totals[key][category]
                total.tp, total.fp, total.fn = total.tp + score.tp, total.fp + score.fp, total.fn + score.fn
        details.append({"id": path.stem, "lang": lang, "scores": scores, "predicted": predicted, "gold": gold})
    return dict(totals), details


def format_scores(totals: dict[str, dict[str, Score]]) -> str:
    """A plain-text table: one row per language and category."""
    lines = [f"{'lang':<5} {'category':<16} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for lang in sorted(totals, key=lambda k: (k == "all", k)):
        for category, s in totals[lang].items():
            lines.append(f"{lang:<5} {category:<16} {s.precision:6.2f} {s.recall:6.2f} {s.f1:6.2f} "
                         f"{s.tp:5d} {s.fp:5d} {s.fn:5d}")
    return "\n".join(lines)
