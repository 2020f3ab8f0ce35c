"""The perpetrator model: roles from the code list, references checked against the case."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from ctkit.model import Case, CasePerpetrator, LegalProceeding, Perpetrator, PerpetratorPersonalData
from ctkit.model.common import describe_validation_error
from ctkit.vocab import code_list


def test_roles_are_htcds_per_role_in_process():
    roles = code_list("perpetrator_role")
    assert [roles.to_htcds(c) for c in roles] == [
        "TravellingPartner", "Transporter", "RecruiterOrIntermediary", "BrokerTravelAgent", "TransferredIndividual",
        "HarbouredIndividual", "SoldIndividual", "BoughtIndividual", "ReceivedIndividual", "ControlledIndividual",
        "Smuggler", "Abuser", "Kidnapper", "Exploiter", "Other"]
    assert all(roles.codes[c].labels.get("ru") for c in roles)


def test_unknown_role_and_repeated_role_are_refused():
    p = Perpetrator()
    with pytest.raises(ValidationError, match="roles.0"):
        CasePerpetrator(perpetrator=p, roles=["boss"])
    with pytest.raises(ValidationError, match="listed twice"):
        CasePerpetrator(perpetrator=p, roles=["exploiter", "exploiter"])


def test_birth_year_must_match_birth_date():
    with pytest.raises(ValidationError, match="birth_year differs"):
        Perpetrator(birth_year=1980, personal=PerpetratorPersonalData(birth_date=date(1981, 1, 1)))
    born = PerpetratorPersonalData(birth_date=date(1981, 1, 1))
    assert Perpetrator(birth_year=1981, personal=born).age_in(2024) == 43


def test_case_checks_its_perpetrators_and_proceedings():
    p = Perpetrator(citizenship=["POL"])
    ok = Case(registered_on=date(2024, 1, 1), perpetrators=[CasePerpetrator(perpetrator=p, roles=["exploiter"])],
              proceedings=[LegalProceeding(perpetrator_id=p.id)])
    assert ok.perpetrator(p.id).roles == ["exploiter"]
    assert ok.perpetrator("nobody") is None
    with pytest.raises(ValidationError) as info:
        Case(registered_on=date(2024, 1, 1), proceedings=[LegalProceeding(perpetrator_id="x")])
    assert "proceedings.0.perpetrator_id names no perpetrator" in describe_validation_error(info.value)
    with pytest.raises(ValidationError, match="listed twice"):
        Case(registered_on=date(2024, 1, 1), perpetrators=[CasePerpetrator(perpetrator=p)] * 2)
    with pytest.raises(ValidationError, match="share a label"):
        Case(registered_on=date(2024, 1, 1), perpetrators=[CasePerpetrator(perpetrator=Perpetrator(), label="P1"),
                                                            CasePerpetrator(perpetrator=Perpetrator(), label="P1")])


def test_validation_error_does_not_echo_personal_values():
    with pytest.raises(ValidationError) as info:
        Perpetrator(personal=PerpetratorPersonalData(last_name="Секретов" * 40))
    assert "Секретов" not in describe_validation_error(info.value)
