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
from ctkit.share.link.normalise import document_key, name_key, normalise_text, parse_date

__all__ = [
    "INPUT_COLUMNS",
    "OPTIONAL_COLUMNS",
    "TF_COLUMNS",
    "optional_comparisons",
    "person_settings",
    "prediction_blocking_rules",
    "prepare_records",
]

INPUT_COLUMNS = ("record_id", "first_name", "last_name", "birth_date", "sex", "nationality", "place_of_origin")
# Evidence many agencies record and many do not. Absent or empty, the model is the four-comparison one.
# ``document_number`` may hold several numbers separated by ";", ``document_country`` one issuing country per
# number (or one for all).
OPTIONAL_COLUMNS = ("middle_name", "document_number", "document_country")
OPTIONAL_COMPARISONS = ("middle_name", "document")
# An optional comparison is trained only where enough records carry it for EM to learn its levels.
_MIN_SHARE, _MIN_RECORDS = 0.01, 20
_MAX_DOCUMENTS = 2  # an internal and a foreign passport; further numbers on one record are not compared
_NAME_TF = {"tf_adjustment_column": "full_key", "tf_adjustment_weight": 1.0}
# Columns whose term frequencies adjust a level (see :mod:`ctkit.share.link.frequencies` for how they are counted).
TF_COLUMNS = ("full_key", "middle_key")
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
    ``nationality``, ``place_key`` and ``full_key`` (both name keys, for term frequencies); from the optional
    columns (``OPTIONAL_COLUMNS``; None where absent) ``middle_key`` and up to two document keys ``doc1``/``doc2``
    with their issuing countries ``doc1_country``/``doc2_country``. Raises ``ValidationError`` naming the missing
    column(s).
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
    middle = _strings(frame["middle_name"]) if "middle_name" in frame.columns else [None] * len(frame)
    out["middle_key"] = [name_key(v) for v in middle]
    documents = _documents(frame)
    for i in range(_MAX_DOCUMENTS):
        out[f"doc{i + 1}"] = [d[i][0] if len(d) > i else None for d in documents]
        out[f"doc{i + 1}_country"] = [d[i][1] if len(d) > i else None for d in documents]
    if out["unique_id"].duplicated().any():
        raise ValidationError("record_id is not unique within a list")
    return out


def _documents(frame: pd.DataFrame) -> list[list[tuple[str, str | None]]]:
    """Per record, its distinct document keys (sorted) with the issuing country where given."""
    if "document_number" not in frame.columns:
        return [[] for _ in range(len(frame))]
    countries = _strings(frame["document_country"]) if "document_country" in frame.columns else [None] * len(frame)
    out = []
    for number, country in zip(_strings(frame["document_number"]), countries, strict=True):
        numbers = (number or "").split(";")
        codes = [c.strip().upper() or None for c in (country or "").split(";")]
        codes = codes * len(numbers) if len(codes) == 1 else codes + [None] * (len(numbers) - len(codes))
        keys = {}
        for raw, code in zip(numbers, codes, strict=False):
            key = document_key(raw)
            if key is not None:
                keys[key] = keys.get(key) or code
        out.append(sorted(keys.items()))
    return out


def optional_comparisons(records: pd.DataFrame) -> tuple[str, ...]:
    """The optional comparisons ``records`` (from :func:`prepare_records`) carry often enough to train."""
    present = {"middle_name": "middle_key", "document": "doc1"}
    return tuple(
        name for name in OPTIONAL_COMPARISONS
        if present[name] in records.columns
        and int(records[present[name]].notna().sum()) >= max(_MIN_RECORDS, _MIN_SHARE * len(records))
    )  # fmt: skip


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
            # One level for equal keys, however spelled. v2 had "names exact" before it; Splink gave each of the
            # two the name's whole frequency as u, where they share it, so every agreeing name was underconfident
            # by log2(1 + u_exact / u_keys) (1.3 bits at 1M records). The spelling told matches from namesakes
            # no better than the keys alone (m and u of exact spelling both about 1.4 times those of the rest).
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
    part = "substr(birth_date_l, {0}) = substr(birth_date_r, {0})"
    year, month, day = (part.format(at) for at in ("1, 4", "6, 2", "9, 2"))
    two_parts = f"(({year} and {month}) or ({year} and {day}) or ({month} and {day}))"
    # The birth date is trained only by the name-blocked EM pass, where namesakes abound and little else is left
    # to tell them from matches; there EM drifted between sizes (the m of "else" from 0 to 0.37), counting
    # namesakes with other birth dates as matches. So EM starts from what recording errors make plausible (most
    # true pairs agree exactly) and the m of "else" is fixed, like those of sex and origin: a birth date wrong by
    # more than one slip on one of the two records, about 2% of true pairs (set from real audits where known).
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date").configure(m_probability=0.9),
            cll.CustomLevel(swapped, "day and month swapped").configure(m_probability=0.01),
            cll.DamerauLevenshteinLevel("birth_date", 1).configure(m_probability=0.03),
            # A date a day, a month or a year out keeps two of its three parts; across a month, year or decade
            # boundary that is more than one edit (1989-12-05 / 1990-12-05), yet as telling as one.
            cll.CustomLevel(two_parts, "two of year, month, day equal").configure(m_probability=0.01),
            cll.CustomLevel("substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4)", "same year").configure(
                m_probability=0.03
            ),
            cll.ElseLevel().configure(m_probability=0.02, fix_m_probability=True),
        ],
    )


def _middle_name_comparison(cl, cll):
    """The patronymic (or middle name): rarely mistyped and, among namesakes, a second name to tell them apart."""
    return cl.CustomComparison(
        output_column_name="middle_name",
        comparison_levels=[
            cll.NullLevel("middle_key"),
            cll.ExactMatchLevel("middle_key").configure(
                label_for_charts="middle name keys equal", tf_adjustment_column="middle_key", tf_adjustment_weight=1.0
            ),
            cll.Or(cll.DamerauLevenshteinLevel("middle_key", 1), cll.JaroWinklerLevel("middle_key", 0.9)).configure(
                label_for_charts="middle name similar"
            ),
            cll.ElseLevel(),
        ],
    )


def _document_level(label: str, *, max_edits: int):
    """Any of the two records' document numbers agree (within ``max_edits``), where the issuing countries do not
    differ (the same number in two countries is two documents). SQL in the target engine's dialect."""
    from splink.internals.comparison_level_creator import ComparisonLevelCreator

    class DocumentLevel(ComparisonLevelCreator):
        def create_sql(self, sql_dialect) -> str:
            dl = sql_dialect.damerau_levenshtein_function_name
            tests = []
            for a in range(1, _MAX_DOCUMENTS + 1):
                for b in range(1, _MAX_DOCUMENTS + 1):
                    left, right = f"doc{a}_l", f"doc{b}_r"
                    same = f"{left} = {right}" if max_edits == 0 else f"{dl}({left}, {right}) <= {max_edits}"
                    countries = (
                        f"(doc{a}_country_l is null or doc{b}_country_r is null or doc{a}_country_l = doc{b}_country_r)"
                    )
                    tests.append(f"coalesce({same} and {countries}, false)")
            return "(" + " or ".join(tests) + ")"

        def create_label_for_charts(self) -> str:
            return label

    return DocumentLevel()


def _document_comparison(cl, cll):
    """Identity documents. Differing numbers are weak evidence: one person holds an internal and a foreign
    passport and renews them, so EM learns how often true matches show different numbers."""
    return cl.CustomComparison(
        output_column_name="document",
        comparison_levels=[
            cll.NullLevel("doc1"),
            # Random pairs almost never share a number, so u sampling may see neither level; u then starts (and
            # stays) at a chance of one in a million rather than at Splink's generic default.
            _document_level("a document number equal", max_edits=0).configure(u_probability=1e-6),
            _document_level("a document number one edit apart", max_edits=1).configure(u_probability=1e-6),
            cll.ElseLevel().configure(label_for_charts="document numbers differ"),
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


def prediction_blocking_rules(optional: tuple[str, ...] = ()) -> list:
    """Blocking rules for prediction: each catches the true pairs the others lose to one kind of error.

    ``optional`` names the optional comparisons in use (``OPTIONAL_COMPARISONS``); each adds rules on its keys.
    """
    splink, _, _ = _splink()
    block_on = splink.block_on
    extra = []
    if "document" in optional:  # a shared document number finds a pair whatever its names and birth dates say
        extra += [f"l.doc{a} = r.doc{b}" for a in range(1, _MAX_DOCUMENTS + 1) for b in range(1, _MAX_DOCUMENTS + 1)]
    if "middle_name" in optional:  # one name mistyped or swapped and the birth date missing or wrong
        extra += [
            block_on("middle_key", "birth_date"),
            block_on("first_key", "middle_key", "substr(last_key, 1, 1)"),
            block_on("last_key", "middle_key", "substr(first_key, 1, 1)"),
        ]
    return extra + [
        block_on("first_key", "last_key"),
        block_on("last_key", "birth_date"),
        block_on("first_key", "birth_date"),
        "l.first_key = r.last_key and l.last_key = r.first_key",
        block_on("birth_date", "substr(last_key, 1, 2)"),
        # Both names mangled (a typo in one, another spelling of the other): the birth date and place still agree.
        block_on("birth_date", "place_key"),
        # A missing birth date plus a typo in one name: the prefix of the other name still agrees.
        block_on("first_key", "substr(last_key, 1, 3)"),
        block_on("last_key", "substr(first_key, 1, 3)"),
        "l.birth_date = r.birth_date and substr(l.first_key, 1, 2) = substr(r.last_key, 1, 2)",
    ]


def person_settings(optional: tuple[str, ...] = ()):
    """``SettingsCreator`` of ctkit's person model (dedupe over the concatenated lists, untrained).

    ``optional``: the optional comparisons to add (``middle_name``, ``document``), in any order. Raises
    ``ValidationError`` on an unknown one.
    """
    unknown = set(optional) - set(OPTIONAL_COMPARISONS)
    if unknown:
        raise ValidationError(f"unknown optional comparison(s): {', '.join(sorted(unknown))}")
    splink, cl, cll = _splink()
    extra = {"middle_name": _middle_name_comparison, "document": _document_comparison}
    return splink.SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _name_comparison(cl, cll),
            _birth_comparison(cl, cll),
            _recorded_code(cl, cll, "sex", 0.01),
            _origin_comparison(cl, cll, 0.02),
            *(extra[name](cl, cll) for name in OPTIONAL_COMPARISONS if name in optional),
        ],
        blocking_rules_to_generate_predictions=prediction_blocking_rules(tuple(optional)),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
