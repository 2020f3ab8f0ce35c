"""Demo perpetrators: networks shared by several victims of one organisation, plausible nationalities and sexes,
proceedings naming them with realistic attrition; the rest of each case unchanged by them."""

from __future__ import annotations

from collections import Counter

import pytest

from ctkit.demo import CaseGenerator
from ctkit.model import Case

STUDY = {"RUS", "POL", "DEU", "TUR", "GRC", "LTU"}


@pytest.fixture(scope="module")
def sample() -> list[Case]:
    return list(CaseGenerator(seed=11).cases(2000))


def test_cases_are_valid_and_proceedings_name_listed_perpetrators(sample: list[Case]):
    for case in sample[:400]:
        assert Case.model_validate(case.model_dump()) == case
    for case in sample:
        listed = {p.perpetrator.id for p in case.perpetrators}
        assert all(p.perpetrator_id in listed for p in case.proceedings)
        if case.proceedings:
            assert case.perpetrators, "a case reported to the police names at least one perpetrator"


def test_networks_are_shared_within_an_organisation(sample: list[Case]):
    cases_of, orgs_of = Counter(), {}
    for case in sample:
        for link in case.perpetrators:
            cases_of[link.perpetrator.id] += 1
            orgs_of.setdefault(link.perpetrator.id, set()).add(case.organisation_id)
            assert link.perpetrator.organisation_id == case.organisation_id
    assert len(cases_of) > 300
    assert sum(n >= 2 for n in cases_of.values()) / len(cases_of) > 0.3  # many exploit several victims
    assert all(len(orgs) == 1 for orgs in orgs_of.values())


def test_nationalities_sexes_and_roles_are_plausible(sample: list[Case]):
    people = {link.perpetrator.id: link for case in sample for link in case.perpetrators}
    citizenship = Counter(link.perpetrator.citizenship[0] for link in people.values())
    assert STUDY <= set(citizenship)
    assert citizenship.most_common(1)[0][0] == "RUS"
    sexes = Counter(link.perpetrator.sex for link in people.values())
    assert 0.15 < sexes["female"] / len(people) < 0.45
    in_turkey = [link for case in sample for link in case.perpetrators if "exploiter" in link.roles
                 and case.route("exploitation") and case.route("exploitation")[0].country == "TUR"]
    assert Counter(link.perpetrator.citizenship[0] for link in in_turkey).most_common(1)[0][0] == "TUR"
    assert {r for link in people.values() for r in link.roles} >= {"recruiter_or_intermediary", "transporter",
                                                                   "exploiter"}


def test_attrition_most_perpetrators_are_never_convicted(sample: list[Case]):
    proceedings = [p for case in sample for p in case.proceedings]
    statuses = Counter(p.status for p in proceedings)
    assert statuses["reported"] > statuses["investigation"] > statuses["conviction"] > 0
    assert statuses["conviction"] / len(proceedings) < 0.25


def test_perpetrators_leave_the_rest_of_the_case_as_before():
    with_them = list(CaseGenerator(seed=3).cases(200))
    plain = CaseGenerator(seed=3)
    plain.offenders.attach = lambda case: case  # the generator without the perpetrator step
    without = list(plain.cases(200))
    for a, b in zip(with_them, without, strict=True):
        assert a.model_dump(exclude={"perpetrators", "proceedings"}) == b.model_dump(
            exclude={"perpetrators", "proceedings"})
        assert [p.status for p in a.proceedings[:1]] == [p.status for p in b.proceedings[:1]]


def test_demo_load_stores_each_perpetrator_once(tmp_path):
    from sqlalchemy import func, select

    from ctkit.demo.loader import load_demo
    from ctkit.settings import load_settings
    from ctkit.store import tables as t
    from ctkit.store.datastore import init_store, open_store

    expected = {link.perpetrator.id for c in CaseGenerator(seed=4).cases(400) for link in c.perpetrators}
    links = sum(len(c.perpetrators) for c in CaseGenerator(seed=4).cases(400))
    settings = load_settings(tmp_path, environ={})
    init_store(settings)
    with open_store(settings) as store:
        load_demo(store, 400, seed=4, batch=150)  # networks span batches: stored perpetrators are updated
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(t.perpetrators)).scalar_one() == len(expected)
            assert conn.execute(select(func.count()).select_from(t.case_perpetrators)).scalar_one() == links
