"""Store chunks -> CTDC columns, vectorised: the inverse of :mod:`ctdc_read`, with CTDC's coarsening.

Ages become bands (age at registration, from the recorded age or birth year: the encrypted birth date is not
read), countries become alpha-2 (global) or stay alpha-3 (synthetic), flags become 1 / 0 / missing, lists of
exploitations become one flag per form and labour type. What a layout cannot say is folded as ``ctdc.yaml``
describes (e.g. ``threatens_family`` into ``meansOfControlThreats``, ``market_trading`` into ``Peddling``).
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import pandas as pd

from ctkit.share.formats.ctdc_rules import alpha2_codes
from ctkit.share.formats.layouts import Layout, ctdc_spec
from ctkit.share.formats.store_scan import Chunk, as_dates
from ctkit.vocab import CTDC_AGE_BANDS, all_countries, code_list
from ctkit.vocab.ages import ADULT_AGE

Columns = dict[str, np.ndarray]
_LOWS = np.array([low for low, _, _ in CTDC_AGE_BANDS])
_BANDS = np.array([label for _, _, label in CTDC_AGE_BANDS], dtype=object)


def label(column: str) -> str:
    """Human label of a flag column for the *Concatenated columns: meansOfControlDebtBondage -> Debt bondage."""
    stem = re.sub(r"^(meansOfControl|typeOfLabour|typeOfSex|is)", "", column)
    words = re.findall(r"[A-Z][a-z]*|[a-z]+", stem)
    return " ".join([words[0], *[w.lower() for w in words[1:]]]) if words else column


def _full_years(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Completed years from date ``a`` to date ``b`` (b >= a), element-wise."""
    years = b.astype("datetime64[Y]").astype(np.int64) - a.astype("datetime64[Y]").astype(np.int64)
    day = lambda d: (d.astype("datetime64[M]").astype(np.int64) % 12) * 32 + (  # noqa: E731
        d - d.astype("datetime64[M]")).astype(np.int64)
    return years - (day(b) < day(a))


def ages_at(chunk: Chunk, on: np.ndarray) -> np.ndarray:
    """Age in years on ``on`` (datetime64[D]) per case, NaN when unknown (same rule as ``Person.age_at``)."""
    cases = chunk.cases
    ref = as_dates(cases["age_reference_date"])
    recorded = pd.to_numeric(pd.Series(cases["age_years"], dtype=object)).to_numpy(dtype=float)
    birth_year = pd.to_numeric(pd.Series(cases["birth_year"], dtype=object)).to_numpy(dtype=float)
    known = ~np.isnat(ref) & ~np.isnat(on) & ~np.isnan(recorded)
    safe_ref = np.where(known, ref, on)
    safe_on = np.where(known, on, ref)
    diff = np.where(safe_on >= safe_ref, _full_years(safe_ref, safe_on), -_full_years(safe_on, safe_ref))
    age = np.where(known, recorded + diff, np.nan)
    on_year = on.astype("datetime64[Y]").astype(np.int64) + 1970
    by_year = np.where(np.isnat(on), np.nan, on_year - birth_year)
    return np.where(np.isnan(age), by_year, age)


def ages_on_events(chunk: Chunk, kind: str) -> np.ndarray:
    """Age on the start date of each case's first ``kind`` event (NaN without one); computed only where needed."""
    on = first_event(chunk, kind, "start_date")
    rows = np.flatnonzero(on != None)  # noqa: E711 - element-wise on an object array
    age = np.full(chunk.n, np.nan)
    if rows.size:
        age[rows] = ages_at(chunk.subset(rows), as_dates(on[rows]))
    return age


def bands(age: np.ndarray, missing: str) -> np.ndarray:
    out = np.full(age.size, missing, dtype=object)
    ok = ~np.isnan(age) & (age >= 0)
    out[ok] = _BANDS[np.searchsorted(_LOWS, age[ok], side="right") - 1]
    return out


def majority(age: np.ndarray, missing: str) -> np.ndarray:
    out = np.full(age.size, missing, dtype=object)
    out[~np.isnan(age)] = "Adult"
    out[~np.isnan(age) & (age < ADULT_AGE)] = "Minor"
    return out


def first_event(chunk: Chunk, kind: str, field: str) -> np.ndarray:
    """Per case, ``field`` of its first event of type ``kind`` (None when it has none)."""
    events = chunk.events
    out = np.full(chunk.n, None, dtype=object)
    if not events["case_id"].size:
        return out
    positions = chunk.rows_of(events["case_id"])
    mask = events["type"] == kind
    positions, values = positions[mask][::-1], events[field][mask][::-1]  # reversed: the first event wins
    out[positions] = values
    return out


def flag_text(values: np.ndarray, missing: str) -> np.ndarray:
    """Stored tri-state flags (yes / no / unknown / None) -> '1' / '0' / missing."""
    out = np.full(values.size, missing, dtype=object)
    out[values == "yes"] = "1"
    out[values == "no"] = "0"
    return out


def combined(values: list[np.ndarray]) -> np.ndarray:
    """Several stored flags as one: yes if any yes, no if all no, else unknown (one flag: itself)."""
    if len(values) == 1:
        return values[0]  # flag_text reads 'unknown' and None alike
    stack = np.vstack(values)
    any_yes = (stack == "yes").any(axis=0)
    all_no = (stack == "no").all(axis=0)
    return np.where(any_yes, "yes", np.where(all_no, "no", "unknown")).astype(object)


def exploitation_hits(chunk: Chunk, targets: dict[tuple[str, str | None], list[str]]) -> dict[str, np.ndarray]:
    """CTDC column -> boolean per case, from the (form, sector) pairs of each exploitation row.

    ``targets`` maps (form, sector) and (form, None) to the columns that such a row sets to 1.
    """
    exp = chunk.exploitations
    hits: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(chunk.n, dtype=bool))
    if not exp["case_id"].size:
        return hits
    positions = chunk.rows_of(exp["case_id"])
    sectors = exp["sector"].copy()
    sectors[sectors == None] = ""  # noqa: E711 - element-wise on an object array
    codes, keys = pd.factorize(exp["form"] + "|" + sectors)
    for index, key in enumerate(keys):
        form, sector = key.split("|")
        columns = targets.get((form, sector or None)) or targets.get((form, None), [])
        rows = positions[codes == index]
        for column in columns:
            hits[column][rows] = True
    return hits


def has_exploitation(chunk: Chunk) -> np.ndarray:
    out = np.zeros(chunk.n, dtype=bool)
    if chunk.exploitations["case_id"].size:
        out[chunk.rows_of(chunk.exploitations["case_id"])] = True
    return out


def countries(values: np.ndarray, layout: Layout) -> np.ndarray:
    out = np.full(values.size, layout.missing, dtype=object)
    known = values != None  # noqa: E711 - element-wise on an object array
    if layout.name == "ctdc-synthetic":
        out[known] = values[known]
    else:
        table = dict(zip(all_countries(), alpha2_codes(), strict=True))
        out[known] = [table[v] for v in values[known]]
    return out


def common_columns(chunk: Chunk, layout: Layout) -> Columns:
    """The columns both CTDC layouts share: year, gender, age band, citizenship, country of exploitation."""
    spec = ctdc_spec()
    missing = layout.missing
    registered = as_dates(chunk.cases["registered_on"])
    genders = spec["gender"]["synthetic" if layout.name == "ctdc-synthetic" else "global"]
    to_ctdc = {code: text for text, code in reversed(list(genders.items()))}
    to_ctdc.update({code: to_ctdc.get(alias) for code, alias in spec["gender_export"].items()})
    age = ages_at(chunk, registered)
    return {
        "yearOfRegistration": (registered.astype("datetime64[Y]").astype(np.int64) + 1970).astype(str).astype(object),
        "gender": np.array([to_ctdc.get(s) or missing for s in chunk.cases["sex"]], dtype=object),
        "ageBroad": bands(age, missing),
        "_age": age,
        "citizenship": countries(chunk.cases["citizenship"], layout),
        "CountryOfExploitation": countries(first_event(chunk, "exploitation", "country"), layout),
    }


def concatenated(out: Columns, columns: list[str], missing: str) -> np.ndarray:
    """The labels of the flag ``columns`` set to 1, joined with '; ' (missing when none is)."""
    n = len(out[columns[0]])
    text = np.full(n, "", dtype=object)
    for column in columns:
        hit = out[column] == "1"
        first = hit & (text == "")
        text[first] = label(column)
        rest = hit & ~first
        text[rest] = text[rest] + f"; {label(column)}"
    text[text == ""] = missing
    return text


def _present(hit: np.ndarray, known: np.ndarray, missing: str) -> np.ndarray:
    """'1' where ``hit``, '0' where not hit but the case's list is known, else missing."""
    return np.where(hit, "1", np.where(known, "0", missing)).astype(object)


def _exploitation_targets(forms: dict, labour: dict, spec: dict, other_form: str | None) -> dict:
    labour_column = {sector: column for column, sector in labour.items()}
    form_column = {form: column for column, form in forms.items()}
    labour_flag = form_column["forced_labour"]
    targets: dict[tuple[str, str | None], list[str]] = {}
    for form in ("sexual", "forced_labour", "domestic_servitude", "forced_begging", "forced_criminality",
                 "forced_marriage", "organ_removal", "forced_military", "other"):
        targets[(form, None)] = [form_column.get(form) or other_form]
    for form, (_, sector) in spec["global_forms_as_labour"].items():
        targets[(form, None)] = [labour_flag, *([labour_column[sector]] if sector in labour_column else [])]
    for sector in code_list("sector"):
        alias = spec["global_labour_export"].get(sector, sector)
        if sector in labour_column or alias in labour_column:
            targets[("forced_labour", sector)] = [labour_flag, labour_column.get(sector) or labour_column[alias]]
    if "typeOfLabourNotSpecified" in spec["global_columns"] and other_form is None:
        targets[("forced_labour", None)] = [labour_flag, "typeOfLabourNotSpecified"]
    return targets


def _recruiter_columns(out: Columns, chunk: Chunk, columns: dict, spec: dict, missing: str) -> np.ndarray:
    relation = np.array([spec["global_recruiter_export"].get(r, r) for r in chunk.cases["recruiter_relation"]],
                        dtype=object)
    known = relation != None  # noqa: E711
    for column, code in columns.items():
        out[column] = _present(relation == code, known, missing)
    return relation


def global_columns(chunk: Chunk, layout: Layout) -> Columns:
    """The 63 columns of the global layout for one chunk (text values; ``layout.missing`` for not recorded)."""
    spec, missing = ctdc_spec(), layout.missing
    out = common_columns(chunk, layout)
    age = out.pop("_age")
    out["Datasource"] = np.array([s if s in spec["datasource"] else missing for s in chunk.cases["source"]],
                                 dtype=object)
    out["majorityStatus"] = majority(age, missing)
    for column, kind in (("majorityStatusAtExploit", "exploitation"), ("majorityEntry", "recruitment")):
        out[column] = majority(ages_on_events(chunk, kind), missing)
    by_code: dict[str, list[str]] = defaultdict(list)
    for column, code in spec["global_means"].items():
        by_code[code].append(column)
    folded: dict[str, list[str]] = defaultdict(list)
    for code, column in spec["global_means_export"].items():
        folded[column].append(code)
    for code, columns in by_code.items():
        for column in columns:
            values = combined([chunk.cases[f"moc_{c}"] for c in [code, *folded[column]]])
            # Several columns read into one code: the last carries it, the others only a 'no'.
            out[column] = flag_text(values, missing) if column == columns[-1] else np.where(
                values == "no", "0", missing).astype(object)
    means = list(spec["global_means"])
    recorded = np.vstack([out[c] != missing for c in means]).any(axis=0)
    out["meansOfControlNotSpecified"] = np.where(recorded, "0", "1").astype(object)
    out["meansOfControlConcatenated"] = concatenated(out, means, missing)
    forms, labour = spec["global_forms"], spec["global_labour"]
    hits = exploitation_hits(chunk, _exploitation_targets(forms, labour, spec, None))
    known = has_exploitation(chunk)
    for column in [*forms, *labour, "typeOfLabourNotSpecified"]:
        out[column] = _present(hits[column], known, missing)
    out["isSexAndLabour"] = _present(hits["isForcedLabour"] & hits["isSexualExploit"], known, missing)
    out["typeOfExploitConcatenated"] = concatenated(out, list(forms), missing)
    out["typeOfLabourConcatenated"] = concatenated(out, list(labour), missing)
    sex_known = known & ~hits["isSexualExploit"]  # the sexual-exploitation type is not in the model
    for column in ("typeOfSexProstitution", "typeOfSexPornography", "typeOfSexRemoteInteractiveServices",
                   "typeOfSexPrivateSexualServices"):
        out[column] = _present(np.zeros(chunk.n, dtype=bool), sex_known, missing)
    out["typeOfSexConcatenated"] = np.full(chunk.n, missing, dtype=object)
    out["isAbduction"] = flag_text(chunk.cases["is_abduction"], missing)
    relation = _recruiter_columns(out, chunk, spec["global_recruiter"], spec, missing)
    out["recruiterRelationUnknown"] = np.where(relation == None, "1", "0").astype(object)  # noqa: E711
    labels = spec["recruiter_labels"]
    out["RecruiterRelationship"] = np.array([labels.get(r, missing) for r in relation], dtype=object)
    return out


def synthetic_columns(chunk: Chunk, layout: Layout) -> Columns:
    """The 27 columns of the synthetic v2 layout for one chunk."""
    spec, missing = ctdc_spec(), layout.missing
    out = common_columns(chunk, layout)
    out.pop("_age")
    out["traffickMonths"] = np.full(chunk.n, missing, dtype=object)
    for column, members in spec["synthetic_means"].items():
        out[column] = flag_text(combined([chunk.cases[f"moc_{c}"] for c in members]), missing)
    forms, labour = spec["synthetic_forms"], spec["synthetic_labour"]
    hits = exploitation_hits(chunk, _exploitation_targets(forms, labour, spec, "isOtherExploit"))
    known = has_exploitation(chunk)
    for column in [*forms, *labour]:
        out[column] = _present(hits[column], known, missing)
    sex_known = known & ~hits["isSexualExploit"]
    for column in ("sectorOfSexProstitution", "sectorOfSexPornography"):
        out[column] = _present(np.zeros(chunk.n, dtype=bool), sex_known, missing)
    _recruiter_columns(out, chunk, spec["synthetic_recruiter"], spec, missing)
    return out
