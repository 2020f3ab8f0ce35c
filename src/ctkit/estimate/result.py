"""The result of an estimate: the figure, its interval, the model, diagnostics and provenance."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

# An interval whose upper limit is more than this many times its lower limit says little about the number.
ENORMOUS_RATIO = 10.0


@dataclass(frozen=True)
class CandidateEstimate:
    """One model in the sensitivity picture: its estimate, interval and score."""

    model: str
    terms: list[str]
    estimate: float
    ci_low: float
    ci_high: float
    score: float | None = None
    score_name: str | None = None
    chosen: bool = False


@dataclass(frozen=True)
class EstimateResult:
    """An estimate of the total population (observed plus dark figure).

    ``model`` lists the interaction terms chosen (``[]`` for main effects); ``fitted`` maps each observable
    pattern (list names joined by ``+``) to its fitted count; ``warnings`` says everything the reader must know
    before quoting the figure; ``provenance`` records the data hash, method, settings, seed and ctkit version.
    """

    estimate: float
    ci_low: float
    ci_high: float
    level: float
    interval: str
    method: str
    model: list[str]
    lists: list[str]
    n_observed: int
    dark_figure: float
    warnings: list[str] = field(default_factory=list)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    fitted: dict[str, float] = field(default_factory=dict)
    sensitivity: list[CandidateEstimate] = field(default_factory=list)
    strata: dict[str, dict[str, float]] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def supported(self) -> bool:
        """False when the interval is so wide (or open) that the data cannot support a figure."""
        return interval_supported(self.ci_low, self.ci_high)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["supported"] = self.supported
        return _finite(data)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False)


def interval_supported(low: float, high: float) -> bool:
    return bool(high == high and high != float("inf") and low > 0 and high / low <= ENORMOUS_RATIO)


def enormous_interval_warning(low: float, high: float) -> str | None:
    if interval_supported(low, high):
        return None
    return (
        "the interval is enormous (upper limit more than "
        f"{ENORMOUS_RATIO:g} times the lower, or unbounded): these data cannot support a figure"
    )


def _finite(value: Any) -> Any:
    """JSON has no infinities or NaN: write them as null."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
