"""HTCDS files from other systems (standard fields only) and bad HTCDS files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctkit.errors import ImportFormatError
from ctkit.share.formats import export_file, import_file

from .conftest import snapshot

HEADER = ("prs_Gender,prs_Citizenship,vic_TypeOfExploitation,vic_ForcedLabourIndustry,vic_MethodsOfControl,"
          "hte_Type,hte_Country,hte_Date")


def test_foreign_htcds_csv_is_read_as_far_as_htcds_allows(store, tmp_path: Path):
    path = tmp_path / "partner.csv"
    path.write_text(HEADER + "\n"
                    "Feminine,UA;RU,SexualExploitation;ForcedLabour,F_Construction,DebtBondage;WithholdsDocuments,"
                    "Exploitation,POL,2019-04-01\n", encoding="utf-8")
    assert import_file(path, "htcds-csv", store).rows == 1
    (case,) = list(store.cases.iter_cases())
    assert case.person.sex == "female" and case.person.citizenship == ["UKR", "RUS"]
    assert [(e.form, e.sector) for e in case.exploitations] == [("sexual", None), ("forced_labour", "construction")]
    assert {k: v.value for k, v in case.means_of_control.items()} == {"debt_bondage": "yes",
                                                                      "withholds_documents": "yes"}
    assert case.events[0].country == "POL" and str(case.registered_on) == "2019-04-01"


def test_bad_htcds_csv_names_line_and_column_and_changes_nothing(store, tmp_path: Path):
    good = "Masculine,RU,ForcedLabour,F_Construction,DebtBondage,Exploitation,POL,2020-01-01"
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([HEADER, good, good, good.replace("DebtBondage", "Blackmail")]) + "\n")
    before = snapshot(store.engine)
    with pytest.raises(ImportFormatError, match=r"bad.csv: line 4, column 'vic_MethodsOfControl': value not allowed; "
                                                r"allowed: PhysicalThreats"):
        import_file(path, "htcds-csv", store)
    assert snapshot(store.engine) == before
    path.write_text(HEADER.replace("prs_Gender", "prs_Gendre") + "\n" + good + "\n")
    with pytest.raises(ImportFormatError, match="line 1, column 1: unknown column 'prs_Gendre'"):
        import_file(path, "htcds-csv", store)


def test_truncated_htcds_json_is_refused(store, tmp_path: Path):
    source = tmp_path / "ok.csv"
    source.write_text(HEADER + "\nFeminine,RU,SexualExploitation,,,Exploitation,TUR,2018-02-03\n")
    import_file(source, "htcds-csv", store)
    out = tmp_path / "cases.json"
    export_file("htcds-json", store, out)
    assert len(json.loads(out.read_text())) == 1
    before = snapshot(store.engine)
    cut = tmp_path / "cut.json"
    cut.write_text(out.read_text()[: len(out.read_text()) // 2])
    with pytest.raises(ImportFormatError, match=r"cut.json: line \d+: (invalid JSON|the JSON array is not closed)"):
        import_file(cut, "htcds-json", store)
    assert snapshot(store.engine) == before
