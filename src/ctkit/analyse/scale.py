"""The report's section on the hidden scale: a Multiple Systems Estimation result put in plain words.

The estimate arrives as the JSON object of ``ctkit estimate --json`` (analysis does not import ``ctkit.estimate``).
Figures are rounded to two significant digits (an estimate is not more precise than that) and the number of
people observed is rounded down to a multiple of k like every other published count.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ctkit.analyse.texts import message
from ctkit.errors import ValidationError

REQUIRED = ("estimate", "ci_low", "ci_high", "method", "lists", "n_observed")


def load_estimate(path: Path) -> dict[str, Any]:
    """Read an estimate saved by ``ctkit estimate --json`` (or ``--save``). Raises ValidationError naming the file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"{path}: not a readable estimate JSON file ({exc.__class__.__name__})") from None
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise ValidationError(f"{path}: not an estimate result; missing {', '.join(missing)}")
    return data


def round_significant(value: float, digits: int = 2) -> int:
    """``12349 -> 12000``; ``987 -> 990``."""
    if not value or not math.isfinite(value):
        return 0
    scale = 10 ** (int(math.floor(math.log10(abs(value)))) - digits + 1)
    return int(round(value / scale) * scale)


def _number(value: int, lang: str) -> str:
    text = f"{value:,}"
    return text if lang == "en" else text.replace(",", "\u00a0")


def scale_text(result: Mapping[str, Any], lang: str, k: int) -> str:
    """One paragraph on the estimate; says so plainly when the data cannot support a figure."""
    observed = (int(result["n_observed"]) // k) * k
    lists = len(result["lists"])
    if not result.get("supported", True) or not math.isfinite(float(result["ci_high"])):
        return message("scale_unsupported", lang, lists=lists, observed=_number(observed, lang))
    return message(
        "scale_text", lang, lists=lists, observed=_number(observed, lang),
        estimate=_number(round_significant(float(result["estimate"])), lang),
        low=_number(round_significant(float(result["ci_low"])), lang),
        high=_number(round_significant(float(result["ci_high"])), lang),
        level=f"{100 * float(result.get('level', 0.95)):.0f}",
    )
