from datetime import date

import pytest
from pydantic import ValidationError as PydanticValidationError

from ctkit.model import (
    Case,
    Consent,
    Exploitation,
    LegalProceeding,
    Person,
    PersonalData,
    TraffickingEvent,
    TriState,
    describe_validation_error,
)


def test_case_route_order_and_flags_default_unknown():
    case = Case(
        registered_on=date(2021, 5, 1),
        events=[
            TraffickingEvent(type="exploitation", country="POL"),
            TraffickingEvent(type="recruitment", country="RUS", region="RU-KGD"),
            TraffickingEvent(type="transit", country="LTU"),
        ],
        exploitations=[Exploitation(form="sexual", sector="sex_industry")],
        means_of_control={"withholds_documents": "yes"},
    )
    assert [e.country for e in case.route()] == ["RUS", "LTU", "POL"]
    assert case.means("withholds_documents") is TriState.yes
    assert case.means("debt_bondage") is TriState.unknown


def test_bad_codes_name_the_field_without_echoing_personal_values():
    with pytest.raises(PydanticValidationError) as info:
        Person(personal=PersonalData(first_name="Zinaida-canary"), citizenship=["ZZ"])
    message = describe_validation_error(info.value, "row 2")
    assert message.startswith("row 2: citizenship.0")
    assert "canary" not in message


def test_age_from_recorded_age_and_reference_date():
    person = Person(age_years=16, age_reference_date=date(2020, 6, 1))
    assert person.age_at(date(2022, 6, 1)) == 18
    assert person.age_at(date(2019, 6, 1)) == 15
    with pytest.raises(PydanticValidationError, match="age_reference_date"):
        Person(age_years=16)


def test_consent_rules():
    with pytest.raises(PydanticValidationError, match="must name the receiving organisation"):
        Consent(purpose="sharing", given_on=date(2020, 1, 1))
    consent = Consent(purpose="statistics", given_on=date(2020, 1, 1), withdrawn_on=date(2020, 2, 1))
    assert consent.active_on(date(2020, 1, 15)) and not consent.active_on(date(2020, 2, 1))


def test_proceeding_dates_in_order():
    with pytest.raises(PydanticValidationError, match="prosecution_on is before investigation_on"):
        LegalProceeding(investigation_on=date(2021, 1, 1), prosecution_on=date(2020, 1, 1))
