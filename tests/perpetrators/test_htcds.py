"""HTCDS exchange of the perpetrator context: per_RoleInProcess in the standard column, the exact perpetrators in
ctk_perpetrators; round trips are lossless except personal data, which an export never holds."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ctkit.model import Case, CasePerpetrator, LegalProceeding, Perpetrator, PerpetratorPersonalData
from ctkit.share.formats.htcds_map import case_to_record, record_to_case
from ctkit.vocab import code_list
from tests.formats.test_roundtrip import assert_htcds_file_round_trip

ROLES = list(code_list("perpetrator_role"))
SEXES = list(code_list("sex"))


@st.composite
def cases_with_perpetrators(draw) -> Case:
    people = draw(st.lists(st.builds(
        Perpetrator, sex=st.sampled_from(SEXES), birth_year=st.none() | st.integers(1940, 2005),
        citizenship=st.lists(st.sampled_from(["RUS", "POL", "DEU", "TUR", "GRC", "LTU"]), max_size=2, unique=True),
        organisation_id=st.none() | st.just("0a000000-0000-4000-8000-00000000000a")), max_size=3))
    links = [CasePerpetrator(perpetrator=p, roles=draw(st.lists(st.sampled_from(ROLES), max_size=3, unique=True)),
                             label=draw(st.none() | st.just(f"P{i + 1}"))) for i, p in enumerate(people)]
    proceedings = [LegalProceeding(perpetrator_id=p.id, status=draw(st.sampled_from(["reported", "conviction"])),
                                   reported_on=date(2024, 2, 1)) for p in people if draw(st.booleans())]
    return Case(registered_on=date(2024, 1, 1), perpetrators=links, proceedings=proceedings)


@given(cases_with_perpetrators())
@settings(max_examples=60, deadline=None)
def test_record_round_trip_is_lossless(case: Case):
    record = case_to_record(case)
    assert set(record["per_RoleInProcess"]) == {code_list("perpetrator_role").to_htcds(r)
                                                for p in case.perpetrators for r in p.roles}
    assert record_to_case(record, "test") == case


@given(st.lists(cases_with_perpetrators(), max_size=3), st.sampled_from(["htcds-csv", "htcds-json"]))
@settings(max_examples=20, deadline=None)
def test_file_round_trip_is_lossless(originals: list[Case], fmt: str):
    assert_htcds_file_round_trip(originals, fmt)


def test_export_never_holds_a_perpetrators_personal_data():
    secret = PerpetratorPersonalData(last_name="Zzyzxovich", aliases=["Shadowfax"], notes="drives a red van")
    case = Case(registered_on=date(2024, 1, 1), perpetrators=[CasePerpetrator(
        perpetrator=Perpetrator(personal=secret), roles=["exploiter"])])
    text = repr(case_to_record(case))
    assert "Zzyzxovich" not in text and "Shadowfax" not in text and "red van" not in text
    back = record_to_case(case_to_record(case), "test")
    assert back.perpetrators[0].perpetrator.personal.is_empty()


def test_foreign_record_roles_become_one_perpetrator():
    record = {"ctk_registered_on": "2024-01-01", "per_RoleInProcess": "RecruiterOrIntermediary;Transporter"}
    (link,) = record_to_case(record, "partner.csv: line 2").perpetrators
    assert link.roles == ["recruiter_or_intermediary", "transporter"] and link.perpetrator.sex == "unknown"


def test_unknown_role_value_names_the_column():
    import pytest

    from ctkit.errors import ImportFormatError

    with pytest.raises(ImportFormatError, match=r"partner.csv: line 3, column 'per_RoleInProcess': value not allowed"):
        record_to_case({"ctk_registered_on": "2024-01-01", "per_RoleInProcess": "Boss"}, "partner.csv: line 3")
