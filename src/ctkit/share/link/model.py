"""The Fellegi-Sunter linkage model, defined in Python so every engine gets SQL in its own dialect.

A Splink model saved on DuckDB carries DuckDB SQL that Spark cannot run. So the model is this module (the
comparisons and blocking rules as Splink *creators*), and only the trained numbers travel between engines
(see :mod:`ctkit.share.link.params`). Records must first pass through :func:`prepare_records`, which adds the
normalised columns the comparisons read (the same normalisation the privacy-preserving encodings use).

Example:
    >>> settings = person_settings()
    >>> [c.output_column_name for c in settings.comparisons] [:2]  # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

from ctkit.errors import DependencyMissing, ValidationError
from ctkit.share.link.normalise import name_key, normalise_text, parse_date

__all__ = [
    "INPUT_COLUMNS",
    "person_settings",
    "prediction_blocking_rules",
    "prepare_records",
]

INPUT_COLUMNS = ("record_id", "first_name", "last_name", "birth_date", "sex", "nationality", "place_of_origin")
_NAME_TF = {"tf_adjustment_column": "full_key", "tf_adjustment_weight": 1.0}
_SEX = {"f": "female", "female": "female", "ж": "female", "m": "male", "male": "male", "м": "male"}


def _splink():
    try:
        import splink
        import splink.comparison_level_library as cll
        import splink.comparison_library as cl
    except ImportError as exc:  # pragma: no cover - splink is a dependency; this names it if it is missing
        raise DependencyMissing("splink", "Record linkage") from exc
    return splink, cl, cll


def prepare_records(frame: pd.DataFrame, list_name: str | None = None) -> pd.DataFrame:
    """Normalised linkage input from a register with ``INPUT_COLUMNS`` (and ``list`` unless ``list_name``).

    Returns one row per record with ``unique_id`` (``<list>:<record_id>``), ``list``, the normalised names
    ``first_n``/``last_n``, their variant keys ``first_key``/``last_key``, ISO ``birth_date``, ``sex``,
    ``nationality``, ``place_key`` and ``full_key`` (both name keys, for term frequencies). Raises
    ``ValidationError`` naming the missing column(s).
    """
    missing = [c for c in INPUT_COLUMNS if c not in frame.columns]
    if list_name is None and "list" not in frame.columns:
        missing.append("list")
    if missing:
        raise ValidationError(f"register lacks column(s): {', '.join(missing)}")
    lists = frame["list"].astype(str) if list_name is None else pd.Series(list_name, index=frame.index)
    births = [parse_date(v) for v in frame["birth_date"]]
    out = pd.DataFrame({
        "unique_id": lists + ":" + frame["record_id"].astype(str),
        "list": lists,
        "first_n": [normalise_text(v) for v in _strings(frame["first_name"])],
        "last_n": [normalise_text(v) for v in _strings(frame["last_name"])],
        "first_key": [name_key(v) for v in _strings(frame["first_name"])],
        "last_key": [name_key(v) for v in _strings(frame["last_name"])],
        "birth_date": [b.isoformat() if b else None for b in births],
        "sex": [_SEX.get(str(v).strip().lower()) if v is not None else None for v in _strings(frame["sex"])],
        "nationality": [str(v).upper() if v else None for v in _strings(frame["nationality"])],
        "place_key": [name_key(v) for v in _strings(frame["place_of_origin"])],
    })  # fmt: skip
    both = out["first_key"].notna() & out["last_key"].notna()
    out["full_key"] = (out["first_key"] + " " + out["last_key"]).where(both, None)
    if out["unique_id"].duplicated().any():
        raise ValidationError("record_id is not unique within a list")
    return out


def _strings(column: pd.Series) -> list[str | None]:
    return [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in column]


def _swapped_similar_level(threshold: float):
    """First and last name swapped, each then similar (Jaro-Winkler), in the target engine's dialect."""
    from splink.internals.comparison_level_creator import ComparisonLevelCreator

    class SwappedSimilarLevel(ComparisonLevelCreator):
        def create_sql(self, sql_dialect) -> str:
            jw = sql_dialect.jaro_winkler_function_name
            return f"{jw}(first_key_l, last_key_r) >= {threshold} and {jw}(last_key_l, first_key_r) >= {threshold}"

        def create_label_for_charts(self) -> str:
            return "swapped and similar"

    return SwappedSimilarLevel()


def _name_comparison(cl, cll):
    """First and last name together, so a swap of the two is one level rather than two disagreements."""
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.Or(cll.NullLevel("first_key"), cll.NullLevel("last_key")),
            # The agreeing levels are term-frequency adjusted on the full key: a rare name agreeing says far more
            # than "Natalia Ivanova" agreeing. Without it a missing birth date leaves no pair linkable at scale.
            cll.And(cll.ExactMatchLevel("first_n"), cll.ExactMatchLevel("last_n")).configure(
                label_for_charts="names exact", **_NAME_TF
            ),
            cll.ExactMatchLevel("full_key").configure(label_for_charts="name keys equal", **_NAME_TF),
            cll.CustomLevel("first_key_l = last_key_r and last_key_l = first_key_r", "names swapped").configure(
                **_NAME_TF
            ),
            # A typo is one edit; Jaro-Winkler punishes it hard in short names (Sonia/Soia), so either test passes.
            cll.And(
                cll.Or(cll.DamerauLevenshteinLevel("first_key", 1), cll.JaroWinklerLevel("first_key", 0.9)),
                cll.Or(cll.DamerauLevenshteinLevel("last_key", 1), cll.JaroWinklerLevel("last_key", 0.9)),
            ).configure(label_for_charts="both similar"),
            _swapped_similar_level(0.9),
            cll.Or(
                cll.And(cll.ExactMatchLevel("last_key"), cll.JaroWinklerLevel("first_key", 0.7)),
                cll.And(cll.ExactMatchLevel("first_key"), cll.JaroWinklerLevel("last_key", 0.7)),
            ).configure(label_for_charts="one equal, other close"),
            cll.Or(cll.ExactMatchLevel("last_key"), cll.ExactMatchLevel("first_key")).configure(
                label_for_charts="one equal"
            ),
            cll.ElseLevel(),
        ],
    )


def _birth_comparison(cl, cll):
    swapped = (
        "substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4) and "
        "substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2) and "
        "substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2)"
    )
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel(swapped, "day and month swapped"),
            cll.DamerauLevenshteinLevel("birth_date", 1),
            cll.CustomLevel("substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4)", "same year"),
            cll.ElseLevel(),
        ],
    )


def _recorded_code(cl, cll, column: str, m_disagree: float):
    """Exact match on a code, with the m of disagreement fixed from domain knowledge (recording errors).

    EM cannot learn it from data where true matches never disagree on the code: the level's m collapses to 0
    and Splink then rejects the model. Agencies mis-record sex in about 1% and nationality in about 2% of
    records (our generator's rates; set from real audits where you have them).
    """
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column).configure(label_for_charts=f"Exact match on {column}"),
            cll.ElseLevel().configure(m_probability=m_disagree, fix_m_probability=True),
        ],
    )


def _origin_comparison(cl, cll, m_disagree: float):
    """Nationality and place of origin as one comparison, since a place lies in one country.

    As two comparisons, two strangers from Kaliningrad would be counted as agreeing twice (place, then the
    nationality it implies), which makes the model overconfident and its own precision estimate too optimistic.
    The m of "else" is fixed for the reason given in :func:`_recorded_code` (nationality miscoded in ~2%).
    """
    both = "{0}_l is not null and {0}_r is not null"
    nationality_equal = "nationality_l = nationality_r"
    return cl.CustomComparison(
        output_column_name="origin",
        comparison_levels=[
            cll.And(cll.NullLevel("nationality"), cll.NullLevel("place_key")).configure(is_null_level=True),
            cll.ExactMatchLevel("place_key").configure(label_for_charts="place equal"),
            cll.CustomLevel(f"{nationality_equal} and not ({both.format('place_key')})", "nationality equal"),
            cll.CustomLevel(nationality_equal, "nationality equal, place differs"),
            cll.ElseLevel().configure(m_probability=m_disagree, fix_m_probability=True),
        ],
    )


def prediction_blocking_rules() -> list:
    """Blocking rules for prediction: each catches the true pairs the others lose to one kind of error."""
    splink, _, _ = _splink()
    block_on = splink.block_on
    return [
        block_on("first_key", "last_key"),
        block_on("last_key", "birth_date"),
        block_on("first_key", "birth_date"),
        "l.first_key = r.last_key and l.last_key = r.first_key",
        block_on("birth_date", "substr(last_key, 1, 2)"),
        # A missing birth date plus a typo in one name: the prefix of the other name still agrees.
        block_on("first_key", "substr(last_key, 1, 3)"),
        block_on("last_key", "substr(first_key, 1, 3)"),
        "l.birth_date = r.birth_date and substr(l.first_key, 1, 2) = substr(r.last_key, 1, 2)",
    ]


def person_settings():
    """``SettingsCreator`` of ctkit's person model (dedupe over the concatenated lists, untrained)."""
    splink, cl, cll = _splink()
    return splink.SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _name_comparison(cl, cll),
            _birth_comparison(cl, cll),
            _recorded_code(cl, cll, "sex", 0.01),
            _origin_comparison(cl, cll, 0.02),
        ],
        blocking_rules_to_generate_predictions=prediction_blocking_rules(),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
