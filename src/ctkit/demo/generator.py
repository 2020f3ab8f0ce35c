"""Seeded, deterministic generator of synthetic cases (the demo data set and benchmark input).

Cases are built without re-validating each field (the generator only draws valid codes; a test validates samples),
so that millions of cases stream quickly, batch by batch, with flat memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from ctkit.demo import journey, lifecycle
from ctkit.demo.lifecycle import DEMO_TODAY, new_uuid
from ctkit.demo.people import People
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
    """What the generator drew: ``population`` people in all, of whom ``observed`` were on at least one list."""

    population: int = 0
    observed: int = 0


class CaseGenerator:
    """Synthetic cases for ``seed``: the same seed always gives the same cases, in the same order.

    >>> gen = CaseGenerator(seed=7)
    >>> [c.id for c in gen.cases(2)] == [c.id for c in CaseGenerator(seed=7).cases(2)]
    True
    """

    def __init__(self, seed: int = 1) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.people = People(seed)
        self.organisations = demo_organisations(seed)
        self.stats = GeneratorStats()
        self._years = list(range(FIRST_YEAR, LAST_YEAR + 1))
        self._year_weights = [1.0 + 0.12 * (y - FIRST_YEAR) for y in self._years]  # more identified each year

    def cases(self, n: int) -> Iterator[Case]:
        """``n`` cases, one at a time (a person seen by no agency is drawn but not emitted, as in reality)."""
        for _ in range(n):
            yield self.case()

    def batches(self, n: int, size: int = 1000) -> Iterator[list[Case]]:
        """``n`` cases in lists of at most ``size``."""
        left = n
        while left > 0:
            take = min(size, left)
            yield [self.case() for _ in range(take)]
            left -= take

    def case(self) -> Case:
        """The next observed case."""
        rng = self.rng
        while True:
            scenario = rng.choices(SCENARIOS, weights=[s.weight for s in SCENARIOS])[0]
            agencies = journey.recorded_by(rng, scenario)
            self.stats.population += 1
            if agencies:
                break
        self.stats.observed += 1
        return self._build(scenario, agencies)

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
