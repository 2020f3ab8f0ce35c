"""The official code lists: complete maps from ctkit's codes, EU-27, and the category derivations."""

from __future__ import annotations

import pandas as pd
import pytest

from ctkit.errors import ValidationError
from ctkit.share.formats.official import eu27
from ctkit.share.formats.official.codes import (
    age_groups,
    categories,
    citizenship_group,
    form_category,
    map_codes,
    mapping,
    trafficking_scope,
    victim_statuses,
)
from ctkit.vocab import code_list, is_country


@pytest.mark.parametrize("scheme, dimension, ctkit_list", [
    ("unodc", "sex", "sex"), ("unodc", "form", "exploitation_form"),
    ("eurostat", "sex", "sex"), ("eurostat", "expl", "exploitation_form"),
])
def test_every_ctkit_code_maps_to_an_official_category(scheme, dimension, ctkit_list):
    table, allowed = mapping(scheme, dimension), categories(scheme, dimension)
    assert set(table) == set(code_list(ctkit_list))
    assert set(table.values()) <= set(allowed)


def test_victim_statuses_are_ctkit_identification_statuses():
    statuses = victim_statuses()
    assert set(statuses) <= set(code_list("identification_status"))
    assert statuses["conclusive_victim"] == "identified" and statuses["reasonable_grounds"] == "presumed"
    assert "conclusive_not_victim" not in statuses and "screened" not in statuses


def test_eu27_is_27_real_countries_without_the_united_kingdom():
    members = eu27()
    assert len(members) == 27 and all(is_country(c) for c in members)
    assert "GBR" not in members and {"DEU", "POL", "LTU", "HRV"} <= members


def test_citizenship_groups_against_the_reporting_country():
    groups = citizenship_group(pd.Series(["POL", "DEU", "UKR", None, "RUS"]), "POL")
    assert groups.tolist() == ["NAT", "EU27_2020_FOR", "NEU27_2020_FOR", "UNK", "NEU27_2020_FOR"]


def test_forms_one_category_per_person():
    forms = pd.Series(["sexual", "domestic_servitude,forced_labour", "forced_begging,sexual", "", None])
    unodc = form_category(forms, mapping("unodc", "form"), several="mixed", unknown="unknown")
    assert unodc.tolist() == ["sexual_exploitation", "forced_labour", "mixed", "unknown", "unknown"]
    own = form_category(forms, None, several="mixed", unknown="unknown")
    assert own.tolist() == ["sexual", "mixed", "mixed", "unknown", "unknown"]


def test_age_groups_and_unmapped_codes():
    assert age_groups(pd.Series([17, 18, None]), "c", "a", "u").tolist() == ["c", "a", "u"]
    with pytest.raises(ValidationError, match="no official category"):
        map_codes(pd.Series(["martian"]), mapping("unodc", "sex"), "other_unknown")


def test_trafficking_scope_uses_citizenship_when_no_origin_is_recorded():
    victims = pd.DataFrame({
        "route_countries": ["RUS", "RUS", "DEU,RUS", "", None, "RUS"],
        "has_origin": [True, False, True, False, False, False],
        "citizenship": ["UKR", "UKR", "RUS", "UZB", None, "RUS"],
    })
    assert trafficking_scope(victims, "RUS").tolist() == [
        "internal", "transnational", "transnational", "transnational", "unknown", "internal"]
