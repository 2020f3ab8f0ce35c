"""Seeded, deterministic generator of synthetic cases (the demo data set and benchmark input).

Cases are built without re-validating each field (the generator only draws valid codes; a test validates samples),
so that millions of cases stream quickly, batch by batch, with flat memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from ctkit.demo import journey, lifecycle, records
from ctkit.demo.lifecycle import DEMO_TODAY, new_uuid
from ctkit.demo.people import People
from ctkit.demo.perpetrators import Offenders
from ctkit.demo.profiles import FIRST_YEAR, KGD, LAST_YEAR, SCENARIOS, Scenario
from ctkit.model import Case, Organisation, Person, TriState

ORGANISATIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    # (recording agency, organisation type, fictional name, services)
    ("police", "law_enforcement", "Regional Police Anti-Trafficking Unit (demo)", ()),
    ("ngo", "ngo", "Baltic Safe House (demo NGO)", ("shelter", "psychological", "legal_aid", "interpretation")),
    ("health", "health", "Regional Clinical Hospital (demo)", ("medical", "psychological")),
    ("labour_inspection", "central_government", "State Labour Inspectorate (demo)", ()),
    ("border_guard", "immigration", "Border Guard Directorate (demo)", ()),
    ("iom", "international", "IOM Mission (demo)", ("return_reintegration", "employment")),
)
LANGUAGE = {"UKR": "uk", "UZB": "uz", "TJK": "tg", "KGZ": "ky", "MDA": "ro", "ARM": "hy", "AZE": "az"}


def demo_organisations(seed: int) -> dict[str, Organisation]:
    """One fictional organisation per recording agency, keyed by agency, with ids fixed by ``seed``."""
    rng = random.Random(f"organisations-{seed}")
    return {
        agency: Organisation(id=new_uuid(rng), name=name, type=kind, country="RUS", region=KGD, services=list(svc),
                             languages=["ru", "en"])
        for agency, kind, name, svc in ORGANISATIONS
    }


@dataclass
class GeneratorStats:
    """What the generator drew: ``population`` people in all, of whom ``observed`` were on at least one list, and
    the ``cases`` (records) emitted: more than ``observed`` when agencies keep separate records of one person."""

    population: int = 0
    observed: int = 0
    cases: int = 0


class CaseGenerator:
    """Synthetic cases for ``seed``: the same seed always gives the same cases, in the same order.

    By default a person recorded by several agencies is one case listing them all. With ``separate_records`` (a
    share, 0 to 1) that many of those people are instead two or three agencies' own cases, each with the name as
    that agency wrote it (:mod:`ctkit.demo.records`); with ``repeat_records`` that share of the other people is
    registered twice by the same agency. These are the duplicates record linkage has to find. Their case ids,
    one tuple per person, are in ``same_person`` (the truth, for tests; linkage never reads it).

    >>> gen = CaseGenerator(seed=7)
    >>> [c.id for c in gen.cases(2)] == [c.id for c in CaseGenerator(seed=7).cases(2)]
    True
    """

    def __init__(self, seed: int = 1, *, separate_records: float = 0.0, repeat_records: float = 0.0) -> None:
        if not (0.0 <= separate_records <= 1.0 and 0.0 <= repeat_records <= 1.0):
            raise ValueError("separate_records and repeat_records are shares between 0 and 1")
        self.seed = seed
        self.rng = random.Random(seed)
        self.separate_records, self.repeat_records = separate_records, repeat_records
        self.same_person: list[tuple[str, ...]] = []
        self._records_rng = random.Random(f"records-{seed}")  # its own stream: the default cases stay unchanged
        self._pending: list[Case] = []
        self._room = 1  # cases still wanted by the current call: a person's records are never cut short
        self.people = People(seed)
        self.offenders = Offenders(seed)
        self.organisations = demo_organisations(seed)
        self.stats = GeneratorStats()
        self._years = list(range(FIRST_YEAR, LAST_YEAR + 1))
        self._year_weights = [1.0 + 0.12 * (y - FIRST_YEAR) for y in self._years]  # more identified each year

    def cases(self, n: int) -> Iterator[Case]:
        """``n`` cases, one at a time (a person seen by no agency is drawn but not emitted, as in reality)."""
        for done in range(n):
            self._room = n - done
            yield self.case()

    def batches(self, n: int, size: int = 1000) -> Iterator[list[Case]]:
        """``n`` cases in lists of at most ``size``."""
        left = n
        while left > 0:
            take = min(size, left)
            chunk = []
            for i in range(take):
                self._room = left - i
                chunk.append(self.case())
            yield chunk
            left -= take

    def case(self) -> Case:
        """The next observed case (or the next separate record of the last person drawn), with perpetrators."""
        return self.offenders.attach(self._next())

    def _next(self) -> Case:
        self.stats.cases += 1
        if self._pending:
            return self._pending.pop(0)
        rng = self.rng
        while True:
            scenario = rng.choices(SCENARIOS, weights=[s.weight for s in SCENARIOS])[0]
            agencies = journey.recorded_by(rng, scenario)
            self.stats.population += 1
            if agencies:
                break
        self.stats.observed += 1
        case = self._build(scenario, agencies)
        groups = self._groups(agencies)
        if not groups:
            return case
        first, *others = records.agency_records(self._records_rng, case, groups, self.organisations)
        self._pending = others
        self.same_person.append((first.id, *(c.id for c in others)))
        return first

    def _groups(self, agencies: list[str]) -> list[list[str]] | None:
        """The agencies of each separate record of the person, or None for one case listing them all."""
        rng = self._records_rng
        if self._room < 2 or not (self.separate_records or self.repeat_records):
            return None
        if len(agencies) > 1 and rng.random() < self.separate_records:
            return records.split(rng, agencies, most=self._room)
        if rng.random() < self.repeat_records:
            return [agencies, [agencies[0]]]  # the first agency registers the person again, as a new case
        return None

    def _registered_on(self) -> date:
        year = self.rng.choices(self._years, weights=self._year_weights)[0]
        span = 365 if year < DEMO_TODAY.year else (DEMO_TODAY - date(year, 1, 1)).days + 1
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(span))

    def _person(self, scenario: Scenario, registered: date) -> tuple[Person, str, str | None]:
        rng = self.rng
        sex = "female" if rng.random() < scenario.female_share else "male"
        if rng.random() < 0.01:
            sex = "unknown"
        low, high = scenario.age_range
        minor = rng.random() < scenario.minor_share
        age = rng.randint(max(8, min(low, 15)), 17) if minor else rng.randint(max(low, 18), max(high, 18))
        birth = registered - timedelta(days=age * 365 + rng.randrange(365) + age // 4)
        origin = journey.pick(rng, scenario.origins)
        region = None
        if origin == "RUS":
            local = rng.random() >= scenario.other_russian_region_share
            region = KGD if local else rng.choice(journey.OTHER_RUSSIAN_REGIONS)
        language = LANGUAGE.get(origin, "ru")
        known_birth = rng.random() < 0.7
        narrative = f"Synthetic demo case ({scenario.name}). Not a real person."
        person = Person.model_construct(
            id=new_uuid(rng),
            personal=self.people.personal(rng, country=origin, sex=sex, birth_date=birth if known_birth else None,
                                          narrative=narrative),
            sex=sex,
            birth_year=birth.year if known_birth else None,
            age_years=None if known_birth else age,
            age_reference_date=None if known_birth else registered,
            citizenship=[origin],
            primary_language=language,
            vulnerabilities=journey.flags(rng, scenario.vulnerabilities),
        )
        return person, origin, region

    def _build(self, scenario: Scenario, agencies: list[str]) -> Case:
        rng = self.rng
        registered = self._registered_on()
        person, origin, region = self._person(scenario, registered)
        destination = journey.pick(rng, scenario.destinations)
        life = lifecycle.funnel(rng, registered)
        referrals, assistance = lifecycle.services(rng, life, self.organisations)
        recruitment = journey.recruitment(rng, scenario)
        return Case.model_construct(
            id=new_uuid(rng),
            organisation_id=self.organisations[agencies[0]].id,
            person=person,
            registered_on=registered,
            identification_status=life.identification_status,
            case_status=life.case_status,
            justice_status=life.justice_status,
            events=journey.route(rng, scenario, origin, region, destination, registered),
            exploitations=journey.exploitation(rng, scenario, person.sex),
            recruitment=recruitment,
            means_of_control=journey.flags(rng, scenario.means),
            is_abduction=TriState.yes if "abduction" in recruitment.methods else TriState.no,
            lifecycle=life.stages,
            recorded_by=agencies,
            referrals=referrals,
            assistance=assistance,
            consents=lifecycle.consents(rng, registered, person.primary_language, referrals),
            proceedings=lifecycle.proceedings(rng, life),
            screenings=[],
            source="demo",
        )
