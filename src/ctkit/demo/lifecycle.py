"""The case's way through the referral mechanism: funnel stages with dates, statuses, services, consent, justice."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from ctkit.demo.profiles import FUNNEL
from ctkit.model import Assistance, Consent, LegalProceeding, LifecycleEvent, Organisation, Referral, TriState

#: The demo data's "today": no stage is dated later, so recent cases are still early in the funnel.
DEMO_TODAY = date(2026, 10, 31)

IDENTIFICATION = {"screened": "screened", "possible_victim": "possible_victim",
                  "reasonable_grounds": "reasonable_grounds", "conclusive_grounds": "conclusive_victim"}
PROVIDER = {"medical": "health", "return_reintegration": "iom"}  # everything else: the NGO
JUSTICE = {"reported": "reported", "investigated": "investigation", "prosecuted": "prosecution",
           "convicted": "conviction"}


def new_uuid(rng: random.Random) -> str:
    """A UUID4 drawn from ``rng`` (deterministic for a seed, unlike uuid.uuid4)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass
class Lifecycle:
    stages: list[LifecycleEvent]
    identification_status: str
    case_status: str
    justice_status: str

    def on(self, stage: str) -> date | None:
        return next((e.on for e in self.stages if e.stage == stage), None)


def funnel(rng: random.Random, registered: date) -> Lifecycle:
    """Stages reached, each 1 to 12 weeks after the last; attrition per FUNNEL, and no stage after DEMO_TODAY."""
    stages: list[LifecycleEvent] = []
    day = registered
    failed_at = None
    for stage, p in FUNNEL:
        if stages:
            day = day + timedelta(days=rng.randint(7, 84))
        if day > DEMO_TODAY:
            break
        if rng.random() >= p:
            failed_at = stage
            break
        stages.append(LifecycleEvent.model_construct(stage=stage, on=day, outcome=None))
    reached = {e.stage for e in stages}
    identification = "screened"
    for stage, status in IDENTIFICATION.items():
        if stage in reached:
            identification = status
    if failed_at == "reasonable_grounds":
        identification = "reasonable_grounds_negative"
    justice = "none"
    for stage, status in JUSTICE.items():
        if stage in reached:
            justice = status
    if failed_at == "convicted" and rng.random() < 0.4:
        justice = "acquittal"
    last = stages[-1].on
    status = "closed" if (DEMO_TODAY - last).days > 365 else rng.choice(("open", "active", "follow_up"))
    if status == "closed" and "assisted" in reached and rng.random() < 0.2:
        status = "closed_referred"
    return Lifecycle(stages, identification, status, justice)


def services(rng: random.Random, life: Lifecycle, orgs: dict[str, Organisation]
             ) -> tuple[list[Referral], list[Assistance]]:
    """Referrals and assistance for an assisted case (shelter, medical, psychological, legal aid...)."""
    start = life.on("assisted")
    if start is None:
        return [], []
    kinds = rng.sample(("shelter", "medical", "psychological", "legal_aid", "interpretation", "return_reintegration"),
                       k=rng.randint(1, 3))
    referrals, assistance = [], []
    for kind in kinds:
        provider = orgs[PROVIDER.get(kind, "ngo")]
        end = start + timedelta(days=rng.randint(14, 180))
        closed = end <= DEMO_TODAY
        referrals.append(Referral.model_construct(id=new_uuid(rng), to_organisation_id=provider.id, service=kind,
                                                  status="done" if closed else "accepted", sent_on=start,
                                                  closed_on=end if closed else None))
        assistance.append(Assistance.model_construct(id=new_uuid(rng), service=kind,
                                                     provider_organisation_id=provider.id, start_date=start,
                                                     end_date=end if closed else None, outcome=None))
    return referrals, assistance


def consents(rng: random.Random, registered: date, language: str, referrals: list[Referral]) -> list[Consent]:
    """Consent to assistance at registration; for statistics mostly; for sharing with each referral's receiver."""
    interpreter = TriState.yes if language != "ru" else TriState.no

    def one(purpose: str, org: str | None = None) -> Consent:
        return Consent.model_construct(id=new_uuid(rng), purpose=purpose, organisation_id=org, given_on=registered,
                                       language=language, interpreter_used=interpreter, explained_by=None,
                                       withdrawn_on=None)

    found = [one("assistance")]
    if rng.random() < 0.7:
        found.append(one("statistics"))
    for org in dict.fromkeys(r.to_organisation_id for r in referrals):
        found.append(one("sharing", org))
    return found


def proceedings(rng: random.Random, life: Lifecycle) -> list[LegalProceeding]:
    """One proceeding against the main perpetrator when the case was reported to law enforcement."""
    reported = life.on("reported")
    if reported is None:
        return []
    verdict = life.on("convicted")
    return [LegalProceeding.model_construct(
        id=new_uuid(rng), perpetrator_ref="P1", status=life.justice_status if life.justice_status != "none"
        else "reported", victim_role=rng.choice(("witness", "injured_party")),
        non_punishment=rng.choice((TriState.yes, TriState.unknown)), reported_on=reported,
        investigation_on=life.on("investigated"), prosecution_on=life.on("prosecuted"), verdict_on=verdict,
        sentence_months=rng.randint(18, 120) if verdict else None,
        compensation_awarded=(TriState.yes if rng.random() < 0.2 else TriState.no) if verdict else TriState.unknown,
    )]
