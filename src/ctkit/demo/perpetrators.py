"""Synthetic perpetrators: small networks (a recruiter where the victim was recruited, a transporter, exploiters
where the victim was exploited), each network reused for several victims of one organisation, and a proceeding
per prosecuted perpetrator with the attrition of the case's justice track (most are never convicted).

Drawn from a stream of their own (``perpetrators-<seed>``), so adding them left the rest of every case unchanged.
Names come from Faker pools of the perpetrator's nationality: never a real person's record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from faker import Faker

from ctkit.demo.lifecycle import new_uuid
from ctkit.model import Case, CasePerpetrator, LegalProceeding, Perpetrator, PerpetratorPersonalData

POOL_SIZE = 60
LOCALES = {"RUS": "ru_RU", "UKR": "uk_UA", "POL": "pl_PL", "DEU": "de_DE", "TUR": "tr_TR", "GRC": "el_GR",
           "LTU": "lt_LT"}
NICKNAMES = ("Boss", "Kapitan", "Ryzhy", "Dyadya", "Mama", "Tolik", "Baron", "Sultan")
# Citizenship of an exploiter by country of exploitation (Kaliningrad study: exploiters abroad are often
# nationals there, or Russian-speaking diaspora; at home mostly Russian, some Lithuanian and Polish partners).
EXPLOITERS: dict[str, tuple[tuple[str, float], ...]] = {
    "POL": (("POL", 0.55), ("RUS", 0.3), ("UKR", 0.1), ("LTU", 0.05)),
    "DEU": (("DEU", 0.4), ("RUS", 0.3), ("TUR", 0.2), ("POL", 0.1)),
    "TUR": (("TUR", 0.75), ("RUS", 0.2), ("GRC", 0.05)),
    "GRC": (("GRC", 0.6), ("RUS", 0.25), ("TUR", 0.15)),
    "RUS": (("RUS", 0.85), ("LTU", 0.05), ("POL", 0.05), ("UKR", 0.05)),
}
RECRUITERS = (("RUS", 0.85), ("LTU", 0.05), ("POL", 0.05), ("UKR", 0.05))  # recruited in (or from) the region
TRANSPORTERS = (("RUS", 0.6), ("LTU", 0.2), ("POL", 0.2))
FEMALE = {"recruiter": 0.45, "transporter": 0.08, "exploiter": 0.25}  # share of women per role
ROLES = {"recruiter": ["recruiter_or_intermediary"], "transporter": ["transporter"],
         "exploiter": ["exploiter", "controlled_individual"]}
REUSE = 0.7  # chance that a case is one more victim of a network the organisation already recorded


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


@dataclass
class Network:
    members: dict[str, list[Perpetrator]] = field(default_factory=dict)  # role -> perpetrators


class Offenders:
    """Puts perpetrators on synthetic cases; the same seed gives the same perpetrators."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"perpetrators-{seed}")
        self.names: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for country, locale in LOCALES.items():
            faker = Faker(locale)
            faker.seed_instance(seed)
            for sex in ("female", "male"):
                first, last = getattr(faker, f"first_name_{sex}"), getattr(faker, f"last_name_{sex}", faker.last_name)
                self.names[(country, sex)] = (tuple(first() for _ in range(POOL_SIZE)),
                                              tuple(last() for _ in range(POOL_SIZE)))
        self.networks: dict[tuple, list[Network]] = {}

    def attach(self, case: Case) -> Case:
        """``case`` with its perpetrators and with proceedings naming them (the case's own proceeding is
        against the first one; co-offenders are prosecuted less often and less far)."""
        rng = self.rng
        if not case.proceedings and rng.random() >= 0.55:  # the victim could name nobody
            return case
        exploitation = case.route("exploitation")
        destination = (exploitation[0].country if exploitation else None) or "RUS"
        network = self._network(case, destination)
        links = [CasePerpetrator.model_construct(perpetrator=p, roles=list(ROLES[role]), label=None)
                 for role in ("recruiter", "transporter", "exploiter") for p in network.members.get(role, ())
                 if rng.random() < (0.85 if role != "transporter" else 0.5)]
        if not links:
            links = [CasePerpetrator.model_construct(perpetrator=p, roles=list(ROLES[role]), label=None)
                     for role, members in network.members.items() for p in members[:1]][:1]
        proceedings = [p.model_copy(update={"perpetrator_id": links[0].perpetrator.id, "perpetrator_ref": None})
                       for p in case.proceedings]
        if proceedings:
            proceedings += [self._co_offender(proceedings[0], link.perpetrator.id) for link in links[1:]
                            if rng.random() < 0.5]
        return case.model_copy(update={"perpetrators": links, "proceedings": proceedings})

    def _co_offender(self, main: LegalProceeding, perpetrator_id: str) -> LegalProceeding:
        """A proceeding against a co-offender: the main one's dates, each further step taken half as often."""
        rng = self.rng
        steps = {"investigation_on": main.investigation_on, "prosecution_on": main.prosecution_on,
                 "verdict_on": main.verdict_on}
        status, reached = "reported", {}
        for (name, when), code in zip(steps.items(), ("investigation", "prosecution", "conviction"), strict=True):
            if when is None or rng.random() >= 0.5:
                break
            reached[name], status = when, code
        if status == "conviction" and main.status == "acquittal":
            status = "acquittal"
        return main.model_copy(update={
            "id": new_uuid(rng), "perpetrator_id": perpetrator_id, "status": status, "victim_role": "witness",
            "investigation_on": reached.get("investigation_on"), "prosecution_on": reached.get("prosecution_on"),
            "verdict_on": reached.get("verdict_on"),
            "sentence_months": rng.randint(12, 96) if "verdict_on" in reached and status == "conviction" else None})

    def _network(self, case: Case, destination: str) -> Network:
        key = (case.organisation_id, tuple(case.forms[:1]), destination)
        known = self.networks.setdefault(key, [])
        if known and self.rng.random() < REUSE:
            return self.rng.choice(known)
        registered = case.registered_on
        origin = case.person.citizenship[0] if case.person.citizenship else "RUS"
        recruiter_from = RECRUITERS if origin == "RUS" else ((origin, 0.7),
                                                             ("RUS", 0.3))
        network = Network({"recruiter": [self._person(case, "recruiter", _pick(self.rng, recruiter_from), registered)]})
        if destination != "RUS" or self.rng.random() < 0.3:
            network.members["transporter"] = [self._person(case, "transporter", _pick(self.rng, TRANSPORTERS),
                                                           registered)]
        network.members["exploiter"] = [self._person(case, "exploiter", _pick(self.rng, EXPLOITERS.get(
            destination, EXPLOITERS["RUS"])), registered) for _ in range(self.rng.choice((1, 1, 2)))]
        known.append(network)
        return network

    def _person(self, case: Case, role: str, country: str, registered: date) -> Perpetrator:
        rng = self.rng
        sex = "female" if rng.random() < FEMALE[role] else "male"
        first, last = self.names[(country if country in LOCALES else "RUS", sex)]
        born = date(registered.year - rng.randint(22, 62), rng.randint(1, 12), rng.randint(1, 28))
        known_birth = rng.random() < 0.6
        personal = PerpetratorPersonalData.model_construct(
            first_name=rng.choice(first), middle_name=None, last_name=rng.choice(last),
            aliases=[rng.choice(NICKNAMES)] if rng.random() < 0.3 else [],
            birth_date=born if known_birth else None, documents=[], notes=None)
        return Perpetrator.model_construct(
            id=new_uuid(rng), organisation_id=case.organisation_id, personal=personal, sex=sex,
            birth_year=born.year if known_birth or rng.random() < 0.5 else None, citizenship=[country])
