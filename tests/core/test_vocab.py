from datetime import date

import pytest

from ctkit.errors import ValidationError
from ctkit.vocab import (
    age_on,
    code_list,
    code_list_names,
    country_alpha2,
    country_alpha3,
    country_name,
    ctdc_age_band,
    region_country,
)


def test_every_code_has_english_and_russian_labels():
    for name in code_list_names():
        for code in code_list(name).codes.values():
            assert code.labels.get("en") and code.labels.get("ru"), (name, code.code)


def test_means_of_control_superset_of_htcds():
    htcds = {
        "PhysicalThreats", "ThreatsLawEnforcement", "ThreatensChildrenFamily", "DebtBondage", "FalsePromises",
        "PhysicalAbuse", "SexualAbuse", "TakesEarnings", "RestrictsFinancialAccess", "RestrictsMedicalCare",
        "WithholdsNecessities", "PsychologicalAbuse", "PsychoactiveSubstance", "ExcessiveWorkingHours",
        "WithholdsDocuments", "Other",
    }
    means = code_list("means_of_control")
    assert len(means) == 17
    assert htcds <= {c.htcds for c in means.codes.values()}


def test_unknown_code_names_allowed_values():
    with pytest.raises(ValidationError, match="row 7: 'slavery' is not a valid exploitation_form; allowed: sexual"):
        code_list("exploitation_form").check("slavery", "row 7")


def test_countries_kosovo_and_historical():
    assert country_alpha3("xk") == "XKX"
    assert country_alpha2("XKX") == "XK"
    assert country_name("XKX") == "Kosovo"
    assert country_alpha3("SU") == "SUN"
    assert country_alpha3("UK") == "GBR"
    assert region_country("RU-KGD") == "RUS"
    with pytest.raises(ValidationError, match="'QQ' is not an ISO 3166-1 country code"):
        country_alpha3("QQ")


@pytest.mark.parametrize(
    ("age", "band"), [(0, "0--8"), (8, "0--8"), (9, "9--17"), (17, "9--17"), (18, "18--20"), (47, "39--47"), (48, "48+")]
)
def test_ctdc_age_bands_edges(age, band):
    assert ctdc_age_band(age) == band


def test_age_on_birthday_boundary():
    assert age_on(date(2000, 3, 1), date(2018, 2, 28)) == 17
    assert age_on(date(2000, 3, 1), date(2018, 3, 1)) == 18
