"""Code lists as data, countries and regions, and age bands.

Public API: :func:`code_list`, :func:`code_list_names`, country helpers and age helpers.
"""

from ctkit.vocab.ages import CTDC_AGE_BANDS, age_on, ctdc_age_band, ctdc_band_bounds, is_minor
from ctkit.vocab.codes import Code, CodeList, code_list, code_list_names
from ctkit.vocab.countries import (
    all_countries,
    check_region,
    country_alpha2,
    country_alpha3,
    country_name,
    is_country,
    region_country,
    region_name,
)

__all__ = [
    "CTDC_AGE_BANDS",
    "Code",
    "CodeList",
    "age_on",
    "all_countries",
    "check_region",
    "code_list",
    "code_list_names",
    "country_alpha2",
    "country_alpha3",
    "country_name",
    "ctdc_age_band",
    "ctdc_band_bounds",
    "is_country",
    "is_minor",
    "region_country",
    "region_name",
]
