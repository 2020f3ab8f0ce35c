"""CTDC batches -> store rows, column-wise: validate every cell, then map codes with vectorised lookups.

The mapping (ctkit model terms, see docs/formats.md):

- ``yearOfRegistration`` -> ``registered_on`` = 1 January of that year; ``Datasource`` -> ``source``.
- ``ageBroad`` -> ``age_years`` = the band's middle (lower bound for 48+), recorded at ``registered_on``, so the
  band derived on export is the band read. ``majority*`` are derived from the age: checked, not stored.
- ``citizenship`` / ``CountryOfExploitation`` -> alpha-3; the latter becomes an exploitation event.
- flags: 1 -> yes, 0 -> no, missing -> unknown; ``*NotSpecified = 1`` makes the whole group unknown.
- forms and labour types -> one exploitation per (form, sector); the recruiter flags -> one relation (priority
  order of ``ctdc.yaml``). Sexual-exploitation types and ``traffickMonths`` are checked but not stored: the model
  has no field for them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ctkit.share.formats.columns import BatchCheck, encode, lookup
from ctkit.share.formats.csvstream import Batch
from ctkit.share.formats.ctdc_rules import YEARS, age_bands, rules
from ctkit.share.formats.ids import IdSource
from ctkit.share.formats.layouts import Layout, ctdc_spec
from ctkit.share.formats.rowsets import RowSet, group_positions
from ctkit.vocab import CTDC_AGE_BANDS, all_countries

YES, NO, UNKNOWN = 0, 1, 2
TRI = ["yes", "no", "unknown"]


@dataclass(frozen=True)
class CaseDefaults:
    """What a CTDC row does not say: the statuses and owning organisation given to every imported case."""

    organisation_id: str | None = None
    identification_status: str = "conclusive_victim"  # CTDC holds identified victims
    case_status: str = "closed"  # statistical records, not live casework
    justice_status: str = "none"


def validate(batch: Batch, layout: Layout, file: str) -> dict[str, np.ndarray]:
    """Codes of every checked column of ``batch``; raises ImportFormatError at the first bad cell."""
    check = BatchCheck(file=file, first_line=batch.first_line)
    codes: dict[str, np.ndarray] = {}
    for position, (name, rule) in enumerate(rules(layout).items()):
        if rule is None:
            continue
        codes[name] = encode(batch.table.column(name), rule)
        check.see(position, name, codes[name], rule)
    check.raise_if_invalid()
    return codes


def _state(codes: np.ndarray) -> np.ndarray:
    """Flag codes (0: '1', 1: '0', 2+: missing) -> YES / NO / UNKNOWN."""
    return np.minimum(codes, UNKNOWN)


def _combine(states: list[np.ndarray]) -> np.ndarray:
    """One flag from several columns: yes if any yes, no if all no, else unknown."""
    stack = np.vstack(states)
    return np.where((stack == YES).any(axis=0), YES, np.where((stack == NO).all(axis=0), NO, UNKNOWN))


def to_rows(batch: Batch, codes: dict[str, np.ndarray], layout: Layout, ids: IdSource,
            defaults: CaseDefaults) -> list[RowSet]:
    """The ``persons``, ``cases``, ``case_exploitations`` and ``case_events`` rows of a validated batch."""
    n = batch.num_rows
    synthetic = layout.name == "ctdc-synthetic"
    nmiss = len(layout.missing_tokens())
    spec = ctdc_spec()
    registered = lookup([f"{y}-01-01" for y in YEARS], codes["yearOfRegistration"])
    person_ids, case_ids = ids.take(n), ids.take(n)
    persons = RowSet("persons", n, {"id": person_ids, **_person_columns(codes, registered, synthetic, nmiss)})
    cases = RowSet("cases", n, {
        "id": case_ids,
        "person_id": person_ids,
        "organisation_id": defaults.organisation_id,
        "registered_on": registered,
        "identification_status": defaults.identification_status,
        "case_status": defaults.case_status,
        "justice_status": defaults.justice_status,
        "is_abduction": "unknown" if synthetic else lookup(TRI, _state(codes["isAbduction"])),
        "recruiter_relation": _recruiter(codes, spec["synthetic_recruiter" if synthetic else "global_recruiter"], n),
        "source": None if synthetic else lookup([*spec["datasource"], *[None] * nmiss], codes["Datasource"]),
        "version": 1,
        **{f"moc_{code}": lookup(TRI, state) for code, state in _means(codes, synthetic).items()},
    })
    case_array = np.array(case_ids, dtype=object)
    return [persons, cases, _exploitations(codes, synthetic, case_array), _events(codes, nmiss, case_array, ids)]


def _person_columns(codes: dict[str, np.ndarray], registered: np.ndarray, synthetic: bool, nmiss: int) -> dict:
    spec = ctdc_spec()
    genders = spec["gender"]["synthetic" if synthetic else "global"]
    ages, bands = _age_table(spec)
    age_years = lookup([*ages, *[None] * nmiss], codes["ageBroad"])
    reference = registered.copy()
    reference[codes["ageBroad"] >= len(bands)] = None
    return {
        "sex": lookup([*genders.values(), *["unknown"] * nmiss], codes["gender"]),
        "age_years": age_years,
        "age_reference_date": reference,
        "citizenship": lookup([*all_countries(), *[None] * nmiss], codes["citizenship"]),
    }


def _age_table(spec: dict) -> tuple[list[int], list[str]]:
    """Stored age per accepted band spelling (the band's middle; 48 for 48+), and the spellings in rule order."""
    middles = {label: low if high is None else (low + high) // 2 for low, high, label in CTDC_AGE_BANDS}
    aliases = spec["age_band_aliases"]
    bands = [*age_bands(), *aliases]
    return [middles[aliases.get(b, b)] for b in bands], bands


def _means(codes: dict[str, np.ndarray], synthetic: bool) -> dict[str, np.ndarray]:
    """Means-of-control code -> YES/NO/UNKNOWN per row (codes the layout cannot express are absent)."""
    spec = ctdc_spec()
    out: dict[str, np.ndarray] = {}
    if synthetic:
        for column, members in spec["synthetic_means"].items():
            state = _state(codes[column])
            out[members[0]] = state  # a grouped 1 is read as its representative; the others stay unknown
            for code in members[1:]:
                out[code] = np.where(state == NO, NO, UNKNOWN)
        return out
    grouped: dict[str, list[np.ndarray]] = defaultdict(list)
    for column, code in spec["global_means"].items():
        grouped[code].append(_state(codes[column]))
    not_specified = _state(codes["meansOfControlNotSpecified"]) == YES
    for code, states in grouped.items():
        state = states[0] if len(states) == 1 else _combine(states)
        out[code] = np.where(not_specified & (state != YES), UNKNOWN, state)
    return out


def _recruiter(codes: dict[str, np.ndarray], columns: dict[str, str], n: int) -> np.ndarray:
    relation = np.full(n, None, dtype=object)
    for column, code in reversed(list(columns.items())):  # the first column in priority order wins
        relation[_state(codes[column]) == YES] = code
    return relation


def _exploitations(codes: dict[str, np.ndarray], synthetic: bool, case_ids: np.ndarray) -> RowSet:
    spec = ctdc_spec()
    forms = spec["synthetic_forms" if synthetic else "global_forms"]
    labour = spec["synthetic_labour" if synthetic else "global_labour"]
    rows: list[np.ndarray] = []
    values: list[tuple[str, str | None, int]] = []
    for column, form in forms.items():
        yes = _state(codes[column]) == YES
        if form == "forced_labour":
            with_sector = np.zeros_like(yes)
            for labour_column, sector in labour.items():
                hit = yes & (_state(codes[labour_column]) == YES)
                with_sector |= hit
                rows.append(np.flatnonzero(hit))
                values.append((form, sector, rows[-1].size))
            yes = yes & ~with_sector
        rows.append(np.flatnonzero(yes))
        values.append((form, None, rows[-1].size))
    all_rows = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    form_col = np.concatenate([np.full(size, form, dtype=object) for form, _, size in values])
    sector_col = np.concatenate([np.full(size, sector, dtype=object) for _, sector, size in values])
    order = np.argsort(all_rows, kind="stable")  # by case, keeping the column order within a case
    all_rows = all_rows[order]
    return RowSet("case_exploitations", int(all_rows.size), {
        "case_id": case_ids[all_rows],
        "position": group_positions(all_rows),
        "form": form_col[order],
        "sector": sector_col[order],
    })


def _events(codes: dict[str, np.ndarray], nmiss: int, case_ids: np.ndarray, ids: IdSource) -> RowSet:
    country_codes = codes["CountryOfExploitation"]
    countries = all_countries()
    rows = np.flatnonzero(country_codes < len(countries))
    return RowSet("case_events", int(rows.size), {
        "id": ids.take(int(rows.size)),
        "case_id": case_ids[rows],
        "position": 0,
        "type": "exploitation",
        "country": lookup([*countries, *[None] * nmiss], country_codes[rows]),
    })
