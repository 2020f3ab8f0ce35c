"""A GRETA-style country table (Council of Europe Convention questionnaire): victims per year by identification
status, sex and age; by form of exploitation; national or foreign and transnational or internal; the main
citizenships, rare ones folded into ``Other`` by the disclosure layer; and the persons suspected, prosecuted and
convicted of trafficking (the offender rows of the snapshot's perpetrator tables) by sex and nationality.
"""

from __future__ import annotations

import pandas as pd

from ctkit.share.formats.official.codes import (
    MIXED,
    age_groups,
    categories,
    form_category,
    map_codes,
    mapping,
    nationality,
    trafficking_scope,
)
from ctkit.share.formats.official.labels import labelled
from ctkit.share.formats.official.model import (
    UNKNOWN,
    Breakdown,
    Microdata,
    OfficialTable,
    ReleaseContext,
    period_column,
    register_table,
)
from ctkit.share.formats.official.records import OFFENDER_STAGES, offender_years
from ctkit.vocab import all_countries, code_list, country_name

SCHEME = "greta"
DIMS = ("status", "sex", "age", "form", "nationality", "scope", "citizenship")
TOP_CITIZENSHIPS = 10


def greta_records(victims: pd.DataFrame, ctx: ReleaseContext) -> pd.DataFrame:
    """Victim-year rows -> GRETA categories (ctkit's own forms, plus mixed and unknown)."""
    return pd.DataFrame({
        "person_id": victims["person_id"], "year": victims["year"].astype(str), "status": victims["status"],
        "sex": map_codes(victims["sex"], mapping("unodc", "sex"), "other_unknown"),
        "age": age_groups(victims["age_years"], "child", "adult", UNKNOWN),
        "form": form_category(victims["forms"], None, several=MIXED, unknown=UNKNOWN),
        "nationality": nationality(victims["citizenship"], ctx.country),
        "scope": trafficking_scope(victims, ctx.country),
        "citizenship": victims["citizenship"].where(victims["citizenship"].notna(), UNKNOWN).astype(object),
    })


def greta_offender_records(offenders: pd.DataFrame, ctx: ReleaseContext) -> pd.DataFrame:
    """Offender-year rows (one per perpetrator and year, see
    :func:`~ctkit.share.formats.official.records.offender_years`) -> GRETA sex and nationality, and one period
    column per stage (the row's year when that stage was reached in it, else ``none``)."""
    out = pd.DataFrame({
        "person_id": offenders["person_id"].astype(str), "year": offenders["year"].astype("int64"),
        "sex": map_codes(offenders["sex"], mapping("unodc", "sex"), "other_unknown"),
        "nationality": nationality(offenders["citizenship"], ctx.country),
    })
    for stage in OFFENDER_STAGES:
        out[stage] = period_column(offenders[stage], ctx)
    return out


#: One row per perpetrator and year holding up to three stages, each its own breakdown: a person moves each
#: offender count by at most one a year (``rows_per_year`` 1).
OFFENDER_ROWS = Microdata(name="offender", periods=OFFENDER_STAGES, rows_per_year=1,
                          rows=lambda snap, ctx: greta_offender_records(offender_years(snap, ctx.years), ctx))
OFFENDER_BREAKDOWNS = tuple(f"{stage}_persons" for stage in OFFENDER_STAGES)


def greta_domains(ctx: ReleaseContext) -> dict[str, dict[str, str]]:
    forms = {code: item.label() for code, item in code_list("exploitation_form").codes.items()}
    return {
        **{dim: categories(SCHEME, dim) for dim in ("status", "sex", "age", "nationality", "scope")},
        "form": {**forms, MIXED: "More than one form", UNKNOWN: "Not stated"},
        "citizenship": {**{c: country_name(c) for c in all_countries()}, UNKNOWN: "Unknown"},
    }


def greta_layout(cells: pd.DataFrame, ctx: ReleaseContext) -> pd.DataFrame:
    """Protected cells -> ``country, year, breakdown``, one labelled column per dimension, ``victims`` (victim
    breakdowns), ``offenders`` (the suspected/prosecuted/convicted persons breakdowns) and ``suppressed``."""
    labels = labelled(cells, greta_domains(ctx))
    offenders = cells["breakdown"].isin(OFFENDER_BREAKDOWNS)
    return pd.DataFrame({
        "country": country_name(ctx.country), "year": cells["year"],
        "breakdown": cells["breakdown"], **{dim: labels[dim] for dim in DIMS},
        "victims": cells["count"].where(~offenders), "offenders": cells["count"].where(offenders),
        "suppressed": cells["suppressed"],
    })


GRETA = OfficialTable(
    name="greta",
    title="GRETA-style country table: victims of trafficking by status, sex, age, form, nationality and route",
    breakdowns=(
        Breakdown("victims", "Victims by identification status, sex and age group", ("status", "sex", "age")),
        Breakdown("forms", "Victims by form of exploitation and sex", ("form", "sex")),
        Breakdown("origin", "Victims by nationality and trafficking scope", ("nationality", "scope")),
        Breakdown("citizenships", f"Victims by citizenship (top {TOP_CITIZENSHIPS}, others folded)",
                  ("citizenship",), top=TOP_CITIZENSHIPS),
        Breakdown("suspected_persons", "Persons suspected of trafficking in the year, by sex and nationality",
                  ("sex", "nationality"), period="suspected"),
        Breakdown("prosecuted_persons", "Persons prosecuted for trafficking in the year, by sex and nationality",
                  ("sex", "nationality"), period="prosecuted"),
        Breakdown("convicted_persons", "Persons convicted of trafficking in the year, by sex and nationality",
                  ("sex", "nationality"), period="convicted"),
    ),
    records=greta_records, domains=greta_domains, layout=greta_layout, microdata=(OFFENDER_ROWS,),
    notes=(
        "Identified: conclusive grounds; presumed: positive reasonable grounds or possible victims. One person "
        "counts once per year of registration.",
        "Transnational: the recorded route touches a country other than the reporting country; internal: every "
        "recorded place is in the reporting country; unknown: nothing recorded. As in CTDC, citizenship stands "
        "for the origin when no origin leg is recorded.",
        "Citizenships: the main citizenship; values under k (k-anonymity) or outside the top 10 are folded into "
        "'Other'. Under differential privacy the top 10 are chosen from the noisy counts and 'Other' is the "
        "noisy year total minus the kept and unknown cells.",
        "Forms: ctkit's forms of exploitation; a victim of several counts under 'More than one form'.",
        "Suspected, prosecuted and convicted persons (column 'offenders'): perpetrators recorded on the "
        "organisation's cases, once per year and stage however many proceedings (suspected: the year of the first "
        "report to the police or investigation; prosecuted: prosecution began; convicted: a verdict that "
        "convicted); only proceedings naming a recorded perpetrator count, and perpetrators recorded by different "
        "organisations are not linked. Nationality against the reporting country.",
        "Under differential privacy a perpetrator's year is one row holding up to three stages, each its own "
        "count, so one person moves each count by at most one a year, like a victim: the contribution bound is L "
        "for both (the years of the release, or --max-years-per-person); epsilon is split over all seven counts.",
    ),
)
register_table(GRETA)
