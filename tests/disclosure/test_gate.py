"""The k-anonymity export gate on CTDC chunks: every quasi-identifier combination shared by at least k rows."""

from __future__ import annotations

import pandas as pd
import pyarrow.csv as pacsv
import pytest

from ctkit.errors import DisclosureError
from ctkit.share.disclosure import CTDC_QUASI_IDENTIFIERS, DisclosurePolicy, KAnonymityGate


def ctdc_chunks(tmp_path, layout: str, rows: int):
    from ctkit.share.formats import write_sample
    from ctkit.share.formats.layouts import layout as get_layout

    spec = get_layout(layout)
    path = write_sample(tmp_path / f"{layout}.csv", layout, rows, seed=5)
    table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=spec.sep),
                           convert_options=pacsv.ConvertOptions(column_types={c: "string" for c in spec.columns},
                                                                strings_can_be_null=False))
    frame = table.to_pandas()
    half = len(frame) // 2
    return [{c: frame[c].to_numpy(dtype=object)[s] for c in frame.columns} for s in (slice(0, half),
                                                                                      slice(half, None))]


@pytest.mark.parametrize("layout", ["ctdc", "ctdc-synthetic"])
def test_every_exported_row_is_k_anonymous(tmp_path, layout):
    gate = KAnonymityGate(DisclosurePolicy(k=11))
    chunks = ctdc_chunks(tmp_path, layout, 600)
    out = pd.DataFrame(next(iter(gate.review(layout, iter(chunks)))))
    columns = [c for c in CTDC_QUASI_IDENTIFIERS if c in out.columns]
    assert (out.groupby(columns, dropna=False).size() >= 11).all()
    assert len(out) + gate.dropped == 600 and gate.blanked > 0
    assert list(out.columns) == list(chunks[0])


def test_the_gate_refuses_layouts_it_cannot_protect():
    with pytest.raises(DisclosureError, match="CTDC layouts only"):
        list(KAnonymityGate(DisclosurePolicy()).review("htcds-json", iter([{}])))


def test_the_gate_fits_the_formats_seam():
    from ctkit.share.formats.gate import ExportGate

    gate: ExportGate = KAnonymityGate(DisclosurePolicy(k=11))
    assert "k=11" in gate.name and list(gate.review("ctdc", iter([]))) == []
