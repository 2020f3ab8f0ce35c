"""Demo data: deterministic, valid against the model, and following the mission's patterns."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from ctkit.demo import CaseGenerator, demo_organisations
from ctkit.model import Case, Organisation


@pytest.fixture(scope="module")
def sample() -> list[Case]:
    return list(CaseGenerator(seed=11).cases(1500))


def test_same_seed_same_cases_other_seed_other_cases():
    first = [c.model_dump() for c in CaseGenerator(seed=5).cases(50)]
    assert first == [c.model_dump() for c in CaseGenerator(seed=5).cases(50)]
    assert first != [c.model_dump() for c in CaseGenerator(seed=6).cases(50)]
    assert [c.id for b in CaseGenerator(seed=5).batches(50, 7) for c in b] == [c["id"] for c in first]


def test_every_case_is_valid(sample: list[Case]):
    for case in sample:
        assert Case.model_validate(case.model_dump()) == case
    for org in demo_organisations(11).values():
        Organisation.model_validate(org.model_dump())


def test_patterns_of_the_mission(sample: list[Case]):
    n = len(sample)
    sexual = [c for c in sample if "sexual" in c.forms]
    assert 0.3 < len(sexual) / n < 0.55
    assert sum(c.person.sex == "female" for c in sexual) / len(sexual) > 0.9
    minors = [c for c in sexual if c.person.age_at(c.registered_on) < 18]
    assert 0.1 < len(minors) / len(sexual) < 0.35
    abroad = Counter(c.route("exploitation")[0].country for c in sexual if c.route("exploitation")[0].country != "RUS")
    assert set(abroad) == {"POL", "DEU", "TUR", "GRC"}
    labour = [c for c in sample if "forced_labour" in c.forms]
    sectors = Counter(e.sector for c in labour for e in c.exploitations)
    assert {"construction", "market_trading", "counterfeit_manufacturing", "domestic_work", "fishing"} <= set(sectors)
    fishing = [c for c in labour if c.exploitations[0].sector == "fishing"]
    assert all(c.route("exploitation")[0].region == "RU-KGD" for c in fishing)
    assert sum(c.person.sex == "male" for c in fishing) / len(fishing) > 0.9
    migrants = [c for c in labour if c.person.citizenship[0] in {"UZB", "TJK", "KGZ", "UKR", "MDA", "ARM", "AZE"}]
    assert sum(c.person.vulnerability("irregular_status") == "yes" for c in migrants) / len(migrants) > 0.8
    assert sum(c.means("withholds_documents") == "yes" for c in migrants) / len(migrants) > 0.7
    roles = {e.type for c in sample for e in c.events if e.region == "RU-KGD"}
    assert roles == {"recruitment", "transit", "exploitation"} or roles >= {"recruitment", "exploitation"}
    years = {c.registered_on.year for c in sample}
    assert years == set(range(2015, 2027))
    assert max(c.registered_on for c in sample) <= date(2026, 10, 31)


def test_lifecycle_is_a_funnel_with_ordered_dates(sample: list[Case]):
    reached = Counter(e.stage for c in sample for e in c.lifecycle)
    order = ["screened", "possible_victim", "reasonable_grounds", "conclusive_grounds", "assisted", "reported",
             "investigated", "prosecuted", "convicted"]
    counts = [reached[s] for s in order]
    assert counts == sorted(counts, reverse=True) and counts[0] == len(sample) and counts[-1] > 0
    for case in sample:
        dates = [e.on for e in case.lifecycle]
        assert dates == sorted(dates) and dates[0] == case.registered_on
        assert all(e.end_date is None or e.end_date <= case.registered_on for e in case.events)


def test_recording_agencies_overlap_like_real_lists(sample: list[Case]):
    assert all(case.recorded_by for case in sample)  # only people seen by some agency become cases
    sizes = Counter(len(c.recorded_by) for c in sample)
    assert sizes[1] > sizes[2] > sizes[3] > 0
    per_agency = Counter(a for c in sample for a in c.recorded_by)
    assert set(per_agency) == {"police", "ngo", "health", "labour_inspection", "border_guard", "iom"}
    generator = CaseGenerator(seed=3)
    list(generator.cases(200))
    assert generator.stats.observed == 200 and generator.stats.population > 250


def test_names_are_synthetic_and_cyrillic(sample: list[Case]):
    names = [c.person.personal.last_name for c in sample]
    assert all(name and any("а" <= ch.lower() <= "я" or ch in "іїєґ" for ch in name) for name in names)
    assert all("Synthetic demo case" in c.person.personal.narrative for c in sample)
