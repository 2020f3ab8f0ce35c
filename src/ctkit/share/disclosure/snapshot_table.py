"""The true table of a synthetic release from a pseudonymised snapshot instead of the store.

The snapshot's tables are put back into the shape of a store chunk (:class:`ctkit.share.formats.store_scan.Chunk`)
so the CTDC exporter's own column code (``synthetic_columns``) makes the CTDC synthetic v2 columns: one coarsening
rule, whichever the source. What a snapshot does not hold is not needed by that layout (names, birth dates,
free text). Differences from the store path: the age is the snapshot's whole years at registration (rounded from
the recorded age when it was recorded earlier), and the country of exploitation is the first destination leg in
the snapshot's route order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ctkit.analyse.snapshot import Snapshot
from ctkit.share.formats.ctdc_write import synthetic_columns
from ctkit.share.formats.layouts import layout as get_layout
from ctkit.share.formats.store_scan import CASE_COLUMNS, PERSON_COLUMNS, Chunk
from ctkit.store import tables as t

_CASES = """SELECT case_id, strftime(registered_on, '%Y-%m-%d') AS registered_on, sex, age_years, citizenship,
                   recruiter_relation, is_abduction
            FROM cases ORDER BY case_id"""


def snapshot_chunk(snap: Snapshot) -> Chunk:
    """Every case of ``snap`` as one store chunk: the columns the CTDC exporters read, with the store's codes."""
    cases = snap.query(_CASES)
    n = len(cases)
    ids = cases["case_id"].to_numpy(dtype=np.int64).astype(object)
    flags = {True: "yes", False: "no"}
    columns: dict[str, np.ndarray] = {
        "id": ids, "registered_on": _objects(cases["registered_on"]), "source": np.full(n, None, dtype=object),
        "is_abduction": _objects(cases["is_abduction"].map(flags)),
        "recruiter_relation": _objects(cases["recruiter_relation"]),
        "sex": _objects(cases["sex"]), "birth_year": np.full(n, None, dtype=object),
        "age_years": _objects(cases["age_years"]),
        # the snapshot's age is already at registration: the reference date is the registration date
        "age_reference_date": _objects(cases["registered_on"]),
        "citizenship": _objects(cases["citizenship"]),
    }
    means = snap.query("SELECT case_id, code, present FROM means")
    for code in t.MEANS_OF_CONTROL:
        recorded = means[means["code"] == code]
        flag = pd.Series(recorded["present"].map(flags).to_numpy(), index=recorded["case_id"].to_numpy())
        columns[t.moc_column(code)] = _objects(flag[~flag.index.duplicated()].reindex(cases["case_id"]))
    assert set(columns) == {*CASE_COLUMNS, *PERSON_COLUMNS}, "the store chunk's columns changed"
    exploitations = snap.query("SELECT case_id, form, sector FROM exploitations ORDER BY case_id")
    legs = snap.query("SELECT case_id, country FROM route_legs WHERE role = 'destination' ORDER BY case_id, leg_no")
    return Chunk(
        cases=columns,
        exploitations={"case_id": _objects(exploitations["case_id"]), "form": _objects(exploitations["form"]),
                       "sector": _objects(exploitations["sector"])},
        events={"case_id": _objects(legs["case_id"]), "type": np.full(len(legs), "exploitation", dtype=object),
                "country": _objects(legs["country"]), "start_date": np.full(len(legs), None, dtype=object)},
    )


def snapshot_synthetic_table(snap: Snapshot) -> pd.DataFrame:
    """Every case of ``snap`` as CTDC synthetic v2 columns (text, empty = not recorded), like
    :func:`ctkit.share.disclosure.synthetic.true_synthetic_table` does for the store.

    >>> true = snapshot_synthetic_table(Snapshot.open(Path("data/snapshot")))  # doctest: +SKIP
    """
    layout = get_layout("ctdc-synthetic")
    chunk = snapshot_chunk(snap)
    if chunk.n == 0:
        return pd.DataFrame(columns=list(layout.columns), dtype=object)
    columns = synthetic_columns(chunk, layout)
    return pd.DataFrame({name: columns[name] for name in layout.columns})


def _objects(values: pd.Series) -> np.ndarray:
    """An object array with None for every missing value (what the store's DBAPI cursor hands the exporters)."""
    series = pd.Series(values).astype(object)
    return series.where(series.notna(), None).to_numpy(dtype=object)
