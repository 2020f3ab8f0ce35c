"""The case repository on SQLite and PostgreSQL: round trips, optimistic locking, all-or-nothing writes."""

from __future__ import annotations

import pytest

from ctkit.errors import ConflictError, NotFoundError
from ctkit.model import Case, Person, TriState
from ctkit.store.repository import SqlCaseRepository

from .conftest import full_case


def test_full_case_round_trips(repo: SqlCaseRepository):
    case = full_case()
    repo.add(case)
    loaded = repo.get(case.id)
    assert loaded == case
    # The rebuilt model is a valid model, not just equal field by field.
    assert Case.model_validate(loaded.model_dump()) == case
    assert repo.count() == 1 and repo.count_persons() == 1


def test_minimal_case_round_trips(repo: SqlCaseRepository):
    from datetime import date

    case = Case(registered_on=date(2020, 1, 1))
    repo.add(case)
    assert repo.get(case.id) == case


def test_update_bumps_version_and_replaces_children(repo: SqlCaseRepository):
    case = full_case()
    repo.add(case)
    assert repo.version(case.id) == 1
    changed = case.model_copy(deep=True)
    changed.case_status = "closed"
    changed.exploitations = changed.exploitations[:1]
    changed.means_of_control = {"debt_bondage": TriState.yes}
    changed.person.personal.first_name = "Ольга"
    assert repo.update(changed, expected_version=1) == 2
    assert repo.get(case.id) == changed


def test_stale_update_is_a_conflict_and_changes_nothing(repo: SqlCaseRepository):
    case = full_case()
    repo.add(case)
    first = case.model_copy(deep=True)
    first.case_status = "closed"
    repo.update(first, expected_version=1)
    second = case.model_copy(deep=True)
    second.case_status = "follow_up"
    with pytest.raises(ConflictError, match="version 2, expected 1"):
        repo.update(second, expected_version=1)
    assert repo.get(case.id).case_status == "closed"


def test_unknown_case(repo: SqlCaseRepository):
    with pytest.raises(NotFoundError):
        repo.get("00000000-0000-0000-0000-000000000000")
    with pytest.raises(NotFoundError):
        repo.update(full_case(), expected_version=1)


def test_add_many_is_all_or_nothing(repo: SqlCaseRepository):
    existing = full_case()
    repo.add(existing)
    batch = [full_case(name=f"N{i}") for i in range(5)] + [existing]
    with pytest.raises(ConflictError):
        repo.add_many(batch, chunk=2)
    assert repo.count() == 1
    assert repo.count_persons() == 1


def test_two_cases_of_one_person(repo: SqlCaseRepository):
    first = full_case()
    person = Person(**first.person.model_dump())
    second = full_case(person=person, recorded_by=["health"])
    assert repo.add_many([first, second]) == 2
    assert repo.count_persons() == 1
    (history,) = repo.persons_capture_histories()
    assert history.agencies == {"ngo", "police", "health"}
    assert (history.sex, history.form, history.year, history.minor) == ("female", "sexual", 2024, False)
    assert history.age_band == "24--26"


def test_list_and_iterate(repo: SqlCaseRepository):
    cases = [full_case(name=f"N{i}") for i in range(7)]
    repo.add_many(cases)
    assert sorted(repo.list_ids()) == sorted(c.id for c in cases)
    assert len(repo.list_ids(limit=3, offset=5)) == 2
    assert repo.list_ids(organisation_id=cases[0].organisation_id) == [cases[0].id]
    assert sorted(c.id for c in repo.iter_cases(batch=3)) == sorted(c.id for c in cases)
    assert {c.id: c for c in repo.iter_cases(batch=3)} == {c.id: c for c in cases}
