"""Capture histories for scale estimation: which agencies recorded each person, with strata for each person.

Built from the non-personal columns only (no decryption), so the estimator never touches personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from ctkit.store import tables as t
from ctkit.vocab import ctdc_age_band, is_minor


@dataclass(frozen=True)
class CaptureHistory:
    """One person's capture history: ``agencies`` is the set of lists (recording agencies) they appear on.

    Strata come from the person's first case: ``year`` of registration, first exploitation ``form``, ``sex`` and
    CTDC ``age_band`` (None when the age is unknown) at registration.
    """

    person_id: str
    agencies: frozenset[str]
    sex: str
    age_band: str | None
    minor: bool | None
    form: str | None
    year: int


def _age(birth_year: int | None, age_years: int | None, reference: date | None, on: date) -> int | None:
    if age_years is not None and reference is not None:
        return age_years + (on.year - reference.year)
    if birth_year is not None:
        return on.year - birth_year
    return None


def capture_histories(conn: Connection) -> list[CaptureHistory]:
    """Capture histories of every person with at least one case, in person-id order; persons joined by an accepted
    link (:mod:`ctkit.store.link_tables`) are one person."""
    first_case: dict[str, tuple] = {}
    query = (
        select(t.cases.c.person_id, t.cases.c.id, t.cases.c.registered_on, t.persons.c.sex, t.persons.c.birth_year,
               t.persons.c.age_years, t.persons.c.age_reference_date)
        .join(t.persons, t.persons.c.id == t.cases.c.person_id)
        .order_by(t.cases.c.person_id, t.cases.c.registered_on, t.cases.c.id)
    )
    for row in conn.execute(query):
        first_case.setdefault(row.person_id, tuple(row))
    agencies: dict[str, set[str]] = {person_id: set() for person_id in first_case}
    recorded = select(t.cases.c.person_id, t.case_recorded_by.c.agency).join(
        t.case_recorded_by, t.case_recorded_by.c.case_id == t.cases.c.id)
    for person_id, agency in conn.execute(recorded):
        agencies[person_id].add(agency)
    forms = dict(conn.execute(
        select(t.case_exploitations.c.case_id, t.case_exploitations.c.form).where(t.case_exploitations.c.position == 0)
    ).all())
    histories = []
    for person_id, (_, case_id, registered, sex, birth_year, age_years, reference) in sorted(first_case.items()):
        age = _age(birth_year, age_years, reference, registered)
        histories.append(CaptureHistory(person_id, frozenset(agencies[person_id]), sex, ctdc_age_band(age),
                                        is_minor(age), forms.get(case_id), registered.year))
    from ctkit.store.link_tables import accepted_person_links, merge_linked_histories  # imports this module
    return merge_linked_histories(histories, accepted_person_links(conn))
