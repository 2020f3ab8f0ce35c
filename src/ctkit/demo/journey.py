"""The trafficking part of a synthetic case: route legs, exploitation, recruitment, flags, recording agencies."""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache
from itertools import accumulate

from ctkit.demo.lifecycle import new_uuid
from ctkit.demo.profiles import (
    AGENCIES,
    AGENCY_REFERRALS,
    CITIES,
    KGD,
    KGD_PORTS,
    KGD_TOWNS,
    VISIBILITY_CLASSES,
    Scenario,
)
from ctkit.model import Exploitation, Recruitment, TraffickingEvent, TriState

OTHER_RUSSIAN_REGIONS = ("RU-MOW", "RU-SPE", "RU-PSK", "RU-SMO", "RU-NIZ", "RU-SVE")


@cache
def _cumulative(weighted: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    values = [v for v, _ in weighted]
    return values, list(accumulate(w for _, w in weighted))


def pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    """One value of (value, weight) pairs."""
    values, cumulative = _cumulative(weighted)
    return rng.choices(values, cum_weights=cumulative)[0]


def recorded_by(rng: random.Random, scenario: Scenario) -> list[str]:
    """Agencies that recorded the person (possibly none: then the person stays hidden from every list).

    A latent visibility class scales every agency's probability alike (heterogeneous catchability), and a record
    at one agency raises the chance of a record at its usual partner (list dependence), as real lists behave.
    """
    factor = rng.choices([f for _, _, f in VISIBILITY_CLASSES], weights=[w for _, w, _ in VISIBILITY_CLASSES])[0]
    found = {a for a in AGENCIES if rng.random() < min(0.95, scenario.visibility[a] * factor)}
    for agency in [a for a in AGENCIES if a in found]:  # a set's order changes between processes: not seeded
        partner, p = AGENCY_REFERRALS.get(agency, (None, 0.0))
        if partner and rng.random() < p:
            found.add(partner)
    return [a for a in AGENCIES if a in found]


def _place(rng: random.Random, country: str, region: str | None, scenario: Scenario) -> str | None:
    if region == KGD:
        return rng.choice(KGD_PORTS if scenario.sectors[0][0] == "fishing" else KGD_TOWNS)
    cities = CITIES.get(country)
    return rng.choice(cities) if cities else None


def route(rng: random.Random, scenario: Scenario, origin: str, origin_region: str | None, destination: str,
          registered: date) -> list[TraffickingEvent]:
    """Recruitment, an optional transit leg, and exploitation, dated before registration."""
    dest_region = KGD if destination == "RUS" else None
    end = registered - timedelta(days=rng.randint(0, 60))
    start = end - timedelta(days=rng.randint(14, 540))
    recruited = start - timedelta(days=rng.randint(1, 90))
    legs = [TraffickingEvent.model_construct(
        id=new_uuid(rng), type="recruitment", country=origin, region=origin_region,
        place=_place(rng, origin, origin_region, scenario), start_date=recruited, end_date=None)]
    transit = [c for c in scenario.transit if c not in (origin, destination)]
    if transit and (origin, origin_region) != (destination, dest_region) and rng.random() < 0.6:
        country = rng.choice(transit)
        legs.append(TraffickingEvent.model_construct(
            id=new_uuid(rng), type="transit", country=country, region=None, place=_place(rng, country, None, scenario),
            start_date=recruited + timedelta(days=1), end_date=start))
    legs.append(TraffickingEvent.model_construct(
        id=new_uuid(rng), type="exploitation", country=destination, region=dest_region,
        place=_place(rng, destination, dest_region, scenario), start_date=start, end_date=end))
    return legs


def exploitation(rng: random.Random, scenario: Scenario, sex: str) -> list[Exploitation]:
    """The scenario's form and a sector (women in the labour scenario mostly in domestic work)."""
    sector = pick(rng, scenario.sectors)
    if scenario.form == "forced_labour" and sex == "female" and sector != "fishing" and rng.random() < 0.6:
        sector = "domestic_work"
    form = "domestic_servitude" if sector == "domestic_work" and rng.random() < 0.3 else scenario.form
    found = [Exploitation.model_construct(form=form, sector=sector)]
    if scenario.form == "forced_begging" and rng.random() < 0.25:
        found.append(Exploitation.model_construct(form="forced_criminality", sector="illicit_activities"))
    return found


def recruitment(rng: random.Random, scenario: Scenario) -> Recruitment:
    methods = list(dict.fromkeys(pick(rng, scenario.methods) for _ in range(rng.choice((1, 1, 2)))))
    relation = pick(rng, scenario.relations) if rng.random() < 0.85 else None
    return Recruitment.model_construct(methods=methods, recruiter_relation=relation)


def flags(rng: random.Random, probabilities: dict[str, float]) -> dict[str, TriState]:
    """Tri-state flags: yes with the given probability, else mostly an explicit no, sometimes unknown."""
    found = {}
    for code, p in probabilities.items():
        draw = rng.random()
        if draw < p:
            found[code] = TriState.yes
        elif draw < p + (1 - p) * 0.7:
            found[code] = TriState.no
        else:
            found[code] = TriState.unknown
    return found
