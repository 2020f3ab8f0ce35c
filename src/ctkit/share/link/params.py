"""Trained parameters: the only part of a linkage model that travels between engines.

After training, :func:`extract_parameters` keeps the m and u probability of every comparison level and the prior
(lambda, the probability that two random records match). :func:`settings_with_parameters` rebuilds a settings
dictionary in the target engine's SQL dialect from the Python model definition and fills those numbers back in,
checking that the levels are the same ones they were trained on.

Example:
    >>> params = TrainedParameters(model="m", lambda_=0.01, levels={"sex": [("exact", 0.9, 0.5), ("else", 0.1, 0.5)]})
    >>> TrainedParameters.from_json(params.to_json()) == params
    True
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctkit.errors import ValidationError

__all__ = ["TrainedParameters", "clamp_probabilities", "extract_parameters", "settings_with_parameters"]

Level = tuple[str, float | None, float | None]  # label, m, u (None for a null level)
# EM can drive a level it never saw to exactly 0, which Splink refuses as input; a tiny floor keeps the level's
# weight hugely negative, as intended, on every engine alike.
_FLOOR = 1e-12


@dataclass(frozen=True)
class TrainedParameters:
    """m/u per comparison level (in level order, null levels included as None) and the prior ``lambda_``."""

    model: str
    lambda_: float
    levels: dict[str, list[Level]] = field(default_factory=dict)

    def to_json(self) -> str:
        body = {"model": self.model, "lambda": self.lambda_,
                "levels": {k: [list(level) for level in v] for k, v in self.levels.items()}}  # fmt: skip
        return json.dumps(body, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> TrainedParameters:
        """Parse :meth:`to_json` output; raises ``ValidationError`` on anything else."""
        try:
            body = json.loads(text)
            levels = {k: [(str(a), b, c) for a, b, c in v] for k, v in body["levels"].items()}
            return cls(model=str(body["model"]), lambda_=float(body["lambda"]), levels=levels)
        except (ValueError, KeyError, TypeError) as exc:
            raise ValidationError("not a ctkit linkage parameter file") from exc

    def save(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> TrainedParameters:
        return cls.from_json(path.read_text(encoding="utf-8"))


def extract_parameters(settings_dict: dict[str, Any], model: str) -> TrainedParameters:
    """Parameters from a trained Splink settings dict (``linker.misc.save_model_to_json()``)."""
    levels: dict[str, list[Level]] = {}
    for comparison in settings_dict["comparisons"]:
        levels[comparison["output_column_name"]] = [
            (lvl["label_for_charts"], lvl.get("m_probability"), lvl.get("u_probability"))
            for lvl in comparison["comparison_levels"]
        ]
    return TrainedParameters(model, float(settings_dict["probability_two_random_records_match"]), levels)


def settings_with_parameters(creator: Any, dialect: str, params: TrainedParameters) -> dict[str, Any]:
    """Settings dict for ``dialect`` from ``creator`` (a Splink ``SettingsCreator``) carrying ``params``.

    Raises ``ValidationError`` when the comparisons or their levels differ from those ``params`` were trained
    on (a parameter file from another model version).
    """
    settings = creator.create_settings_dict(dialect)
    names = [c["output_column_name"] for c in settings["comparisons"]]
    if sorted(names) != sorted(params.levels):
        raise ValidationError("parameter file was trained on other comparisons than this model defines")
    for comparison in settings["comparisons"]:
        trained = params.levels[comparison["output_column_name"]]
        levels = comparison["comparison_levels"]
        if [lvl["label_for_charts"] for lvl in levels] != [t[0] for t in trained]:
            raise ValidationError(f"comparison '{comparison['output_column_name']}' has other levels than trained")
        for lvl, (_, m, u) in zip(levels, trained, strict=True):
            if m is not None:
                lvl["m_probability"] = max(m, _FLOOR)
            if u is not None:
                lvl["u_probability"] = max(u, _FLOOR)
    settings["probability_two_random_records_match"] = params.lambda_
    return settings


def clamp_probabilities(settings_dict: dict[str, Any]) -> dict[str, Any]:
    """Raise every m and u below ``_FLOOR`` to it, in place; returns the dict (see ``_FLOOR`` for why)."""
    for comparison in settings_dict["comparisons"]:
        for level in comparison["comparison_levels"]:
            for name in ("m_probability", "u_probability"):
                value = level.get(name)
                if isinstance(value, float | int) and value < _FLOOR:
                    level[name] = _FLOOR
    return settings_dict
