"""Separate agency records of one synthetic person: what record linkage has to find in the demo store.

A person recorded by several agencies is usually one case listing them all (a referral mechanism's shared
record). Some agencies never learn of each other's file, though, and each opens its own case (and an agency may
register a returning person again): the same person, with the name as that agency wrote it. Border guards and
IOM write passport spellings (ICAO transliteration, often in capitals, without the patronymic); the others write
Cyrillic. Any record may carry a typo, swapped first and last names, a missing or mistyped birth date, or no town
of origin. The trafficking story is the same person's, told again at a later registration; the casework (funnel,
services, consent) is the new agency's own.

Every draw comes from the caller's ``random.Random``, so the records are deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ctkit.demo import lifecycle
from ctkit.demo.lifecycle import DEMO_TODAY, new_uuid
from ctkit.demo.profiles import AGENCIES
from ctkit.model import Case, Consent, Organisation, PersonalData, Referral, TriState
from ctkit.share.link.translit import transliterate

MAX_RECORDS = 3  # a person's separate records: two or three agencies' files
DEMO_SEPARATE_RECORDS = 0.4  # share of the people several agencies recorded whom `ctkit demo` stores separately
DEMO_REPEAT_RECORDS = 0.05  # share of the others whom their agency registered twice (returned, or another office)
LATIN_AGENCIES = frozenset({"border_guard", "iom"})  # names copied from the passport (ICAO Doc 9303)
TYPO, SWAP, NO_BIRTH_DATE, BIRTH_DATE_ERROR, NO_PLACE = 0.08, 0.03, 0.10, 0.05, 0.15
# A service provider that opens its own file when another agency refers the person (the usual way two records of
# one person arise): the referral stays open (accepted) while the provider's case is.
PROVIDER_SERVICES = {"ngo": ("shelter", "psychological", "legal_aid"), "health": ("medical",),
                     "iom": ("return_reintegration",)}
_CYRILLIC = "абвгдежзиклмнопрстуфхцчшы"
_LATIN = "abcdefghijklmnopqrstuvwxyz"


def split(rng: random.Random, agencies: list[str], most: int = MAX_RECORDS) -> list[list[str]]:
    """``agencies`` (two or more) dealt into two or three groups (at most ``most``), one separate record each.

    Groups keep the agencies' usual order; the group of the first agency comes first (the earliest record).
    """
    records = max(1, min(len(agencies), rng.choice((2, 2, 3)), MAX_RECORDS, most))
    shuffled = agencies[1:]
    rng.shuffle(shuffled)
    groups: list[list[str]] = [[agencies[0]]] + [[] for _ in range(records - 1)]
    for i, agency in enumerate(shuffled):
        groups[(i + 1) % records].append(agency)  # the first deal fills every later group
    order = {a: i for i, a in enumerate(AGENCIES)}
    return [sorted(g, key=order.__getitem__) for g in groups]


def typo(rng: random.Random, text: str) -> str:
    """One keying error inside ``text``: a letter replaced, dropped, added, or two letters swapped."""
    if len(text) < 4:
        return text
    pos = rng.randrange(2, len(text) - 1)  # the initial letters are the ones people get right
    letter = rng.choice(_CYRILLIC if any("а" <= ch.lower() <= "я" for ch in text) else _LATIN)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:pos] + letter + text[pos + 1:]
    if kind == 1:
        return text[:pos] + text[pos + 1:]
    if kind == 2:
        return text[:pos] + letter + text[pos:]
    return text[:pos - 1] + text[pos] + text[pos - 1] + text[pos + 1:]


def _birth_date(rng: random.Random, birth: date | None) -> date | None:
    roll = rng.random()
    if birth is None or roll < NO_BIRTH_DATE:
        return None
    if roll < NO_BIRTH_DATE + BIRTH_DATE_ERROR:
        if birth.day <= 12 and birth.day != birth.month:
            return birth.replace(day=birth.month, month=birth.day)  # day and month read the other way round
        return birth + timedelta(days=rng.choice((-1, 1, 365, -365)))
    return birth


def personal_variant(rng: random.Random, personal: PersonalData, agency: str, language: str) -> PersonalData:
    """The personal data as ``agency`` wrote it down (the narrative says it is synthetic, as before)."""
    first, middle, last = personal.first_name or "", personal.middle_name, personal.last_name or ""
    latin = agency in LATIN_AGENCIES
    if latin:
        scheme_language = "uk" if language == "uk" else "ru"
        first, last = (transliterate(n, "icao", language=scheme_language) for n in (first, last))
    if latin or rng.random() < 0.3:
        middle = None
    if rng.random() < TYPO:
        first = typo(rng, first)
    if rng.random() < TYPO:
        last = typo(rng, last)
    if rng.random() < SWAP:
        first, last = last, first
    if latin and rng.random() < 0.6:
        first, last = first.upper(), last.upper()  # as in the passport's machine-readable zone
    return PersonalData.model_construct(
        first_name=first, middle_name=middle, last_name=last, birth_date=_birth_date(rng, personal.birth_date),
        phone=personal.phone if rng.random() < 0.5 else None, email=None, address=None,
        documents=list(personal.documents) if agency in LATIN_AGENCIES else [], narrative=personal.narrative)


def _person(rng: random.Random, case: Case, agency: str, registered: date, person_id: str):
    person = case.person
    personal = personal_variant(rng, person.personal, agency, person.primary_language or "ru")
    age = person.age_at(registered)
    known = personal.birth_date is not None
    return person.model_copy(update={
        "id": person_id, "personal": personal, "birth_year": personal.birth_date.year if known else None,
        "age_years": None if known or age is None else max(0, age + rng.choice((-1, 0, 0, 1))),
        "age_reference_date": None if known or age is None else registered})


def _events(rng: random.Random, case: Case) -> list:
    return [e.model_copy(update={"id": new_uuid(rng),
                                 "place": None if e.type == "recruitment" and rng.random() < NO_PLACE else e.place})
            for e in case.events]


def agency_records(rng: random.Random, case: Case, groups: list[list[str]], orgs: dict[str, Organisation]
                   ) -> list[Case]:
    """``case`` (the person as they are) as one record per group of :func:`split`, each as its agency wrote it.

    The first keeps the case's ids and registration; the others are :func:`separate_record`.
    """
    others = [separate_record(rng, case, group, orgs) for group in groups[1:]]
    referred = [_referral(rng, case, other, group[0], orgs) for other, group in zip(others, groups[1:], strict=True)
                if group[0] in PROVIDER_SERVICES and group[0] != groups[0][0]]
    first = case.model_copy(update={
        "recorded_by": groups[0], "person": _person(rng, case, groups[0][0], case.registered_on, case.person.id),
        "referrals": [*case.referrals, *(r for r, _ in referred)],
        "consents": [*case.consents, *(c for _, c in referred)]})
    return [first, *others]


def _referral(rng: random.Random, case: Case, provider_case: Case, provider: str, orgs: dict[str, Organisation]
              ) -> tuple[Referral, Consent]:
    """The referral from ``case`` that made ``provider`` open ``provider_case``, with the consent to share it."""
    org, sent = orgs[provider].id, provider_case.registered_on
    closed = provider_case.case_status.startswith("closed")
    referral = Referral.model_construct(
        id=new_uuid(rng), to_organisation_id=org, service=rng.choice(PROVIDER_SERVICES[provider]),
        status="done" if closed else "accepted", sent_on=sent,
        closed_on=provider_case.lifecycle[-1].on if closed else None)
    consent = Consent.model_construct(
        id=new_uuid(rng), purpose="sharing", organisation_id=org, given_on=sent,
        language=case.person.primary_language, explained_by=None, withdrawn_on=None,
        interpreter_used=TriState.yes if case.person.primary_language != "ru" else TriState.no)
    return referral, consent


def separate_record(rng: random.Random, case: Case, group: list[str], orgs: dict[str, Organisation]) -> Case:
    """Another case of ``case``'s person, of ``group``'s first agency: registered up to eight months later."""
    registered = min(DEMO_TODAY, case.registered_on + timedelta(days=rng.randint(0, 240)))
    life = lifecycle.funnel(rng, registered)
    referrals, assistance = lifecycle.services(rng, life, orgs)
    person = _person(rng, case, group[0], registered, new_uuid(rng))
    return case.model_copy(update={
        "id": new_uuid(rng), "organisation_id": orgs[group[0]].id, "person": person, "registered_on": registered,
        "identification_status": life.identification_status, "case_status": life.case_status,
        "justice_status": life.justice_status, "events": _events(rng, case), "lifecycle": life.stages,
        "recorded_by": group, "referrals": referrals, "assistance": assistance,
        "consents": lifecycle.consents(rng, registered, person.primary_language, referrals),
        "proceedings": lifecycle.proceedings(rng, life)})
