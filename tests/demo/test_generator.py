"""Demo data: deterministic, valid against the model, and following the mission's patterns."""

from __future__ import annotations

import os
import subprocess
import sys
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


@pytest.fixture(scope="module")
def separate() -> CaseGenerator:
    generator = CaseGenerator(seed=11, separate_records=0.5, repeat_records=0.05)
    generator.emitted = list(generator.cases(600))
    return generator


def test_separate_records_are_one_person_written_by_several_agencies(separate: CaseGenerator):
    cases = {c.id: c for c in separate.emitted}
    assert len(cases) == len(separate.emitted) == 600 == separate.stats.cases
    assert separate.stats.observed == 600 - sum(len(g) - 1 for g in separate.same_person)
    assert all(case_id in cases for group in separate.same_person for case_id in group)  # none cut short
    for case in cases.values():
        assert Case.model_validate(case.model_dump()) == case
    orgs = {o.id: agency for agency, o in demo_organisations(11).items()}
    sizes = Counter(len(g) for g in separate.same_person)
    assert sizes[2] > sizes[3] > 0 and set(sizes) == {2, 3}
    kinds = Counter()
    for group in separate.same_person:
        records = [cases[i] for i in group]
        first = records[0]
        assert len({r.person.id for r in records}) == len(records)
        assert {r.person.sex for r in records} == {first.person.sex}
        assert {tuple(r.person.citizenship) for r in records} == {tuple(first.person.citizenship)}
        assert {tuple(r.forms) for r in records} == {tuple(first.forms)}
        assert all(r.registered_on >= first.registered_on for r in records)
        agencies = [a for r in records for a in r.recorded_by]
        repeat = len(records) == 2 and records[1].recorded_by == [first.recorded_by[0]]
        kinds["repeat" if repeat else "separate"] += 1
        if not repeat:
            assert len(agencies) == len(set(agencies))  # each agency's record is in one case only
            assert len({r.organisation_id for r in records}) == len(records)
        for r in records:
            assert orgs[r.organisation_id] == r.recorded_by[0]
            latin = orgs[r.organisation_id] in ("border_guard", "iom")
            assert latin == (r.person.personal.last_name or "").isascii()
        providers = {r.organisation_id: r for r in records[1:] if orgs[r.organisation_id] in ("ngo", "health", "iom")
                     and r.organisation_id != first.organisation_id}
        for referral in first.referrals:
            if referral.to_organisation_id in providers and referral.sent_on in {
                    p.registered_on for p in providers.values()}:
                provider = providers[referral.to_organisation_id]
                assert (referral.status == "accepted") == (not provider.case_status.startswith("closed"))
    assert kinds["repeat"] > 0 and kinds["separate"] > kinds["repeat"]
    spelled = [cases[g[0]].person.personal.last_name != cases[g[1]].person.personal.last_name
               for g in separate.same_person]
    assert 0.2 < sum(spelled) / len(spelled) < 0.9  # Latin spellings and typos, but most names as written before


def test_referrals_open_the_first_record_to_the_provider(separate: CaseGenerator):
    cases = {c.id: c for c in separate.emitted}
    opened = 0
    for group in separate.same_person:
        first, others = cases[group[0]], [cases[i] for i in group[1:]]
        for other in others:
            hits = [r for r in first.referrals if r.to_organisation_id == other.organisation_id
                    and r.sent_on == other.registered_on]
            if other.organisation_id == first.organisation_id or not hits:
                continue
            opened += hits[0].status == "accepted"
    assert opened > 5


def test_same_seed_same_cases_in_every_process():
    """Python salts string hashes per process: no draw may depend on the order of a set of strings."""
    script = ("import hashlib; from ctkit.demo import CaseGenerator; "
              "g = CaseGenerator(3, separate_records=0.5, repeat_records=0.05); "
              "print(hashlib.sha256(''.join(c.model_dump_json() for c in g.cases(300)).encode()).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": str(salt)}).stdout for salt in (1, 2, 3)}
    assert len(digests) == 1


def test_shares_are_checked():
    with pytest.raises(ValueError, match="shares"):
        CaseGenerator(1, separate_records=1.5)
