"""Round trips: model -> HTCDS -> model is lossless; model -> CTDC -> model equals the format's coarsening."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctkit.model import Case
from ctkit.share.formats import export_file, import_file
from ctkit.share.formats.ctdc_coarsen import coarsen
from ctkit.share.formats.htcds_io import read_csv_records, read_json_records, write_records
from ctkit.share.formats.htcds_map import case_to_record, record_to_case
from ctkit.store import create_schema, make_engine

from .conftest import make_store
from .strategies import cases


@given(cases())
@settings(max_examples=80, deadline=None)
def test_htcds_record_round_trip_is_lossless(case: Case):
    assert record_to_case(case_to_record(case), "test") == case


@given(st.lists(cases(), max_size=4), st.sampled_from(["htcds-csv", "htcds-json"]))
@settings(max_examples=30, deadline=None)
def test_htcds_file_round_trip_is_lossless(originals: list[Case], fmt: str):
    assert_htcds_file_round_trip(originals, fmt)


def assert_htcds_file_round_trip(originals: list[Case], fmt: str) -> None:
    """Write ``originals`` as an HTCDS file in ``fmt`` and read them back unchanged."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases"
        with path.open("w", encoding="utf-8", newline="") as handle:
            list(write_records((case_to_record(c) for c in originals), fmt, handle))
        read = read_csv_records(path) if fmt == "htcds-csv" else read_json_records(path)
        assert [record_to_case(record, where) for record, where in read] == originals


def without_ids(case: Case) -> dict:
    data = case.model_dump(mode="json")
    data.pop("id")
    data["person"].pop("id")
    for event in data["events"]:
        event.pop("id")
    return data


@given(st.lists(cases(with_services=False), min_size=1, max_size=6),
       st.sampled_from(["ctdc", "ctdc-2021", "ctdc-synthetic"]))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_ctdc_round_trip_equals_coarsening(originals: list[Case], layout: str):
    with tempfile.TemporaryDirectory() as tmp:
        stores = []
        for name in ("a", "b"):
            engine = make_engine(f"sqlite:///{Path(tmp) / name}.sqlite3")
            create_schema(engine)
            stores.append(make_store(engine))
        source, target = stores
        source.cases.add_many(originals)
        out = Path(tmp) / "export.csv"
        export_file(layout, source, out)
        import_file(out, layout, target)
        back = list(target.cases.iter_cases())  # new ids increase in file order, which is the old id order
        expected = sorted(originals, key=lambda c: c.id)
        assert [without_ids(c) for c in back] == [without_ids(coarsen(c, layout)) for c in expected]
        for store in stores:
            store.close()


def test_exports_never_contain_personal_data(store, tmp_path: Path):
    from datetime import date

    from ctkit.model import Person, PersonalData

    personal = PersonalData(first_name="Zinaida", last_name="Quux", birth_date=date(1999, 5, 4), phone="+7900111")
    case = Case(registered_on=date(2024, 3, 1), person=Person(sex="female", personal=personal))
    store.cases.add(case)
    for fmt in ("htcds-csv", "htcds-json", "ctdc", "ctdc-synthetic"):
        out = tmp_path / f"out.{fmt}"
        export_file(fmt, store, out)
        text = out.read_text(encoding="utf-8")
        assert "Zinaida" not in text and "Quux" not in text and "1999-05-04" not in text and "+7900111" not in text
    buffer = io.StringIO()
    list(write_records(iter([case_to_record(case)]), "htcds-json", buffer))
    assert "Zinaida" not in buffer.getvalue()
