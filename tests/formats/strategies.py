"""Hypothesis strategies for valid cases without personal data (what an export may carry)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from ctkit.model import (
    Assistance,
    Case,
    Consent,
    Exploitation,
    LegalProceeding,
    LifecycleEvent,
    Person,
    Recruitment,
    Referral,
    ScreeningResult,
    TraffickingEvent,
    TriState,
)
from ctkit.vocab import code_list

COUNTRIES = ["RUS", "UKR", "BLR", "POL", "DEU", "TUR", "GRC", "UZB", "MDA", "XKX", "LTU"]
REGIONS = ["RU-KGD", "RU-MOW", "PL-28", "DE-BE"]
ORG_IDS = ["2b1c4c6e-8d0e-4a57-9a43-3d1f6f0b2a11", "7f3a1d20-5c4b-4e8e-b0a9-0c6d2e8f9b33"]
dates = st.dates(date(2000, 1, 1), date(2026, 12, 31))
tri = st.sampled_from(list(TriState))
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)


def codes(name: str):
    return st.sampled_from(list(code_list(name)))


def flags(name: str):
    return st.dictionaries(codes(name), tri, max_size=6)


@st.composite
def date_pair(draw):
    start = draw(st.none() | dates)
    end = None if start is None else draw(st.none() | st.integers(0, 400).map(lambda d: start + timedelta(d)))
    return start, end


@st.composite
def events(draw):
    start, end = draw(date_pair())
    return TraffickingEvent(type=draw(codes("event_type")), country=draw(st.none() | st.sampled_from(COUNTRIES)),
                            region=draw(st.none() | st.sampled_from(REGIONS)), place=draw(st.none() | text),
                            start_date=start, end_date=end)


@st.composite
def persons(draw):
    recorded = draw(st.booleans())
    return Person(
        sex=draw(codes("sex")),
        birth_year=draw(st.none() | st.integers(1940, 2024)),
        age_years=draw(st.integers(0, 90)) if recorded else None,
        age_reference_date=draw(dates) if recorded else None,
        citizenship=draw(st.lists(st.sampled_from(COUNTRIES), max_size=2)),
        primary_language=draw(st.none() | st.sampled_from(["ru", "uk", "en", "uz"])),
        vulnerabilities=draw(flags("vulnerability")),
    )


@st.composite
def services(draw, on: date) -> dict:
    """Referrals, assistance, consents, proceedings, lifecycle and screenings around date ``on``."""
    later = on + timedelta(days=draw(st.integers(0, 300)))
    return {
        "referrals": draw(st.lists(st.builds(Referral, to_organisation_id=st.sampled_from(ORG_IDS),
                                             service=codes("service_type"), sent_on=st.just(on)), max_size=1)),
        "assistance": draw(st.lists(st.builds(Assistance, service=codes("service_type"), start_date=st.just(on),
                                              end_date=st.none() | st.just(later)), max_size=1)),
        "consents": draw(st.lists(st.builds(Consent, purpose=st.sampled_from(["assistance", "statistics"]),
                                            given_on=st.just(on), interpreter_used=tri,
                                            withdrawn_on=st.none() | st.just(later)), max_size=2)),
        "proceedings": draw(st.lists(st.builds(LegalProceeding, status=codes("justice_status"),
                                               reported_on=st.just(on), verdict_on=st.none() | st.just(later),
                                               non_punishment=tri, compensation_awarded=tri), max_size=1)),
        "lifecycle": draw(st.lists(st.builds(LifecycleEvent, stage=codes("lifecycle_stage"), on=dates), max_size=3)),
        "screenings": draw(st.lists(st.builds(
            ScreeningResult, screened_on=st.just(on), catalogue_id=st.just("ilo-ec-2009"),
            catalogue_version=st.just("1"), catalogue_status=st.just("draft"),
            outcome=st.sampled_from(["refer", "insufficient", "ask_more"]),
            answers=st.dictionaries(st.sampled_from(["q1", "q2"]), st.sampled_from(["yes", "no"]))), max_size=1)),
    }


@st.composite
def cases(draw, with_services: bool = True) -> Case:
    registered = draw(dates)
    extra = draw(services(registered)) if with_services else {}
    return Case(
        organisation_id=draw(st.none() | st.sampled_from(ORG_IDS)),
        person=draw(persons()),
        registered_on=registered,
        identification_status=draw(codes("identification_status")),
        case_status=draw(codes("case_status")),
        justice_status=draw(codes("justice_status")),
        events=draw(st.lists(events(), max_size=3)),
        exploitations=draw(st.lists(st.builds(Exploitation, form=codes("exploitation_form"),
                                              sector=st.none() | codes("sector")), max_size=3)),
        recruitment=Recruitment(methods=draw(st.lists(codes("recruitment_method"), max_size=2)),
                                recruiter_relation=draw(st.none() | codes("recruiter_relation"))),
        means_of_control=draw(flags("means_of_control")),
        is_abduction=draw(tri),
        recorded_by=draw(st.lists(codes("recording_agency"), max_size=3, unique=True)),
        source=draw(st.none() | st.sampled_from(["Case Management", "Hotline", "NGO intake"])),
        **extra,
    )
