"""UNODC GLOTIP / SDG indicator 16.2.2: detected victims by sex, age group and form of exploitation, per year.

The long layout follows UNODC's data portal (one row per country, year, sex, age and form, with ``Total`` rows);
with a population file, the SDG 16.2.2 rate (victims per 100,000 population) is computed from the published count.
"""

from __future__ import annotations

import pandas as pd

from ctkit.share.formats.official.codes import age_groups, categories, form_category, map_codes, mapping
from ctkit.share.formats.official.labels import labelled
from ctkit.share.formats.official.model import Breakdown, OfficialTable, ReleaseContext, register_table
from ctkit.vocab import country_name

SCHEME = "unodc"


def unodc_records(victims: pd.DataFrame, ctx: ReleaseContext) -> pd.DataFrame:
    """Victim-year rows -> UNODC sex, age group and form categories."""
    return pd.DataFrame({
        "person_id": victims["person_id"], "year": victims["year"].astype(str),
        "sex": map_codes(victims["sex"], mapping(SCHEME, "sex"), "other_unknown"),
        "age": age_groups(victims["age_years"], "child", "adult", "unknown"),
        "form": form_category(victims["forms"], mapping(SCHEME, "form"), several="mixed", unknown="unknown"),
    })


def unodc_domains(ctx: ReleaseContext) -> dict[str, dict[str, str]]:
    return {dim: categories(SCHEME, dim) for dim in ("sex", "age", "form")}


def unodc_layout(cells: pd.DataFrame, ctx: ReleaseContext) -> pd.DataFrame:
    """Protected cells -> ``iso3_code, country, indicator, year, sex, age, form_of_exploitation, unit, value``."""
    labels = labelled(cells, unodc_domains(ctx))
    return pd.DataFrame({
        "iso3_code": ctx.country, "country": country_name(ctx.country),
        "indicator": "Detected trafficking victims", "year": cells["year"],
        "sex": labels["sex"], "age": labels["age"], "form_of_exploitation": labels["form"],
        "unit": "Counts", "value": cells["count"], "suppressed": cells["suppressed"],
    })


UNODC = OfficialTable(
    name="unodc",
    title="UNODC GLOTIP / SDG 16.2.2: detected victims of trafficking by sex, age and form of exploitation",
    breakdowns=(Breakdown("victims", "Detected victims by sex, age group and form of exploitation",
                          ("sex", "age", "form")),),
    records=unodc_records, domains=unodc_domains, layout=unodc_layout, rates=True,
    notes=(
        "Country: the reporting country (country of detection) given at release; year: year of registration.",
        "Victims: identified (conclusive grounds) and presumed (positive reasonable grounds, possible victims); "
        "one person counts once per year.",
        "Age at registration: children are under 18. Transgender and non-conforming persons are counted under "
        "'Other or unknown' (UNODC reports female and male only).",
        "Form: a victim of forms in more than one category counts under 'Mixed exploitation'; domestic servitude "
        "counts as forced labour; forced military service as 'Other purposes'.",
    ),
)
register_table(UNODC)
