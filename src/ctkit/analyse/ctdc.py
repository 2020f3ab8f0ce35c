"""Run the analyses directly on a CTDC file: read it with the formats package, map it to the snapshot schema.

The reading, validation and code mapping are the formats package's (``ctkit.share.formats``: header check, every
cell checked, errors naming file, line, column and the allowed values); this module only turns its column rows
into snapshot tables. CTDC records give the registration year only (no quarter, no stage dates) and the country
of exploitation only. Following CTDC's own flow charts, citizenship stands in for the origin (leg 1) and the
country of exploitation is the destination (leg 2); there is no transit, no quarter and no funnel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ctkit.analyse.snapshot import Snapshot
from ctkit.errors import ImportFormatError, NotFoundError
from ctkit.vocab import ctdc_age_band

MOC = "moc_"


def _layout_of(path: Path) -> str:
    from ctkit.share.formats.csvstream import read_header
    from ctkit.share.formats.layouts import layout
    from ctkit.share.formats.registry import detect_layout

    synthetic = layout("ctdc-synthetic")
    if read_header(path, synthetic.sep) == list(synthetic.columns):
        return "ctdc-synthetic"
    return detect_layout(path)


def _column(rowset: Any, name: str) -> np.ndarray:
    value = rowset.columns.get(name)
    if isinstance(value, np.ndarray | list):
        return np.asarray(value, dtype=object)
    return np.full(rowset.n, value, dtype=object)


def _frames(rowsets: list, offset: int) -> dict[str, pd.DataFrame]:
    by_name = {r.table: r for r in rowsets}
    persons, cases = by_name["persons"], by_name["cases"]
    index = {case_id: offset + i + 1 for i, case_id in enumerate(_column(cases, "id"))}
    ages = pd.array([None if a is None else int(a) for a in _column(persons, "age_years")], dtype="Int64")
    registered = pd.to_datetime(pd.Series(_column(cases, "registered_on")))
    case_ids = np.arange(offset + 1, offset + cases.n + 1, dtype=np.int64)
    frame = pd.DataFrame({
        "case_id": case_ids, "person_id": case_ids, "registered_on": registered.dt.date,
        "year": registered.dt.year, "quarter": pd.array([None] * cases.n, dtype="Int64"),
        "sex": _column(persons, "sex"), "age_years": ages,
        "age_band": [ctdc_age_band(None if pd.isna(a) else int(a)) for a in ages],
        "is_minor": pd.array([None if pd.isna(a) else a < 18 for a in ages], dtype="boolean"),
        "citizenship": _column(persons, "citizenship"),
        "identification_status": _column(cases, "identification_status"),
        "justice_status": _column(cases, "justice_status"), "recruiter_relation": _column(cases, "recruiter_relation"),
        "is_abduction": pd.Series(_column(cases, "is_abduction")).map({"yes": True, "no": False}).astype("boolean"),
    })
    means = [pd.DataFrame({"case_id": case_ids, "code": name[len(MOC):], "flag": _column(cases, name)})
             for name in cases.columns if name.startswith(MOC)]
    moc = pd.concat(means, ignore_index=True) if means else pd.DataFrame(columns=["case_id", "code", "flag"])
    moc = moc[moc["flag"].isin(["yes", "no"])]
    exploitations, events = by_name["case_exploitations"], by_name["case_events"]
    return {
        "cases": frame,
        "persons": frame[["person_id", "sex", "citizenship"]],
        "means": moc.assign(present=moc["flag"] == "yes").drop(columns="flag"),
        "exploitations": pd.DataFrame({"case_id": [index[c] for c in _column(exploitations, "case_id")],
                                       "form": _column(exploitations, "form"),
                                       "sector": _column(exploitations, "sector")}),
        "route_legs": pd.concat([
            pd.DataFrame({"case_id": case_ids, "leg_no": 1, "role": "origin", "country": frame["citizenship"],
                          "region": None, "year": None}).dropna(subset=["country"]),
            pd.DataFrame({"case_id": [index[c] for c in _column(events, "case_id")], "leg_no": 2,
                          "role": "destination", "country": _column(events, "country"), "region": None,
                          "year": None}),
        ], ignore_index=True),
    }


def ctdc_snapshot(path: Path, layout_name: str | None = None) -> Snapshot:
    """A :class:`Snapshot` of the CTDC file ``path`` (layout detected unless given: ``ctdc``, ``ctdc-2021``,
    ``ctdc-synthetic``). Row numbers are the pseudonymous ids (CTDC files carry no identifiers).

    Raises NotFoundError for a missing file and ImportFormatError (file, line, column, allowed values) for an
    unknown column, a bad code or an empty file.
    """
    from ctkit.share.formats.csvstream import stream_batches
    from ctkit.share.formats.ctdc_read import CaseDefaults, to_rows, validate
    from ctkit.share.formats.ids import IdSource
    from ctkit.share.formats.layouts import layout as get_layout

    path = Path(path)
    if not path.is_file():
        raise NotFoundError(f"no CTDC file at {path}")
    layout = get_layout(layout_name or _layout_of(path))
    ids, parts, offset = IdSource(), [], 0
    for batch in stream_batches(path, layout.columns, layout.sep):
        rowsets = to_rows(batch, validate(batch, layout, path.name), layout, ids, CaseDefaults())
        parts.append(_frames(rowsets, offset))
        offset += batch.num_rows
    if not parts:
        raise ImportFormatError(f"{path.name}: the file has a header but no records")
    tables = {name: pd.concat([p[name] for p in parts], ignore_index=True) for name in parts[0]}
    return Snapshot.from_tables(tables, source=f"ctdc:{path.name}")
