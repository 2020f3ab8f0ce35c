"""Eurostat trafficking in human beings (crim_thb_* style): registered victims by citizenship group, form of
exploitation, age and identification status (each by sex), and the criminal-justice steps their cases reached.

Codes follow Eurostat's dimension code lists (``geo`` alpha-2 with EL for Greece, ``sex`` F/M/UNK/T, ``citizen``
NAT/EU27_2020_FOR/NEU27_2020_FOR/UNK, ``age`` Y_LT18/Y_GE18/UNK); suppressed cells carry Eurostat's flag ``c``.
"""

from __future__ import annotations

import pandas as pd

from ctkit.share.formats.official.codes import (
    age_groups,
    categories,
    citizenship_group,
    form_category,
    map_codes,
    mapping,
)
from ctkit.share.formats.official.labels import coded
from ctkit.share.formats.official.model import (
    Breakdown,
    Microdata,
    OfficialTable,
    ReleaseContext,
    no_victim_rows,
    period_column,
    register_table,
)
from ctkit.share.formats.official.records import JUSTICE_STAGES, OFFENDER_STAGES, offender_years
from ctkit.vocab import country_alpha2

SCHEME = "eurostat"
DIMS = ("citizen", "expl", "age", "leg_stat", "sex")
TOTALS = {"sex": "T", "citizen": "TOTAL", "expl": "TOTAL", "age": "TOTAL", "leg_stat": "TOTAL"}
# Eurostat writes Greece as EL (and the United Kingdom as UK), not the ISO alpha-2 code.
EUROSTAT_GEO = {"GR": "EL", "GB": "UK"}


def eurostat_records(victims: pd.DataFrame, ctx: ReleaseContext) -> pd.DataFrame:
    """Victim-year rows -> Eurostat categories, plus the year each justice stage was reached."""
    out = pd.DataFrame({
        "person_id": victims["person_id"], "year": victims["year"].astype(str),
        "citizen": citizenship_group(victims["citizenship"], ctx.country),
        "expl": form_category(victims["forms"], mapping(SCHEME, "expl"), several="OTH", unknown="UNK"),
        "age": age_groups(victims["age_years"], "Y_LT18", "Y_GE18", "UNK"),
        "leg_stat": victims["status"].map({"identified": "IDENT", "presumed": "PRES"}).astype(object),
        "sex": map_codes(victims["sex"], mapping(SCHEME, "sex"), "UNK"),
    })
    for stage in JUSTICE_STAGES:
        out[stage] = period_column(victims[stage], ctx)
    return out


def eurostat_domains(ctx: ReleaseContext) -> dict[str, dict[str, str]]:
    return {dim: categories(SCHEME, dim) for dim in DIMS}


def eurostat_geo(country: str) -> str:
    alpha2 = country_alpha2(country)
    return EUROSTAT_GEO.get(alpha2, alpha2)


def eurostat_layout(cells: pd.DataFrame, ctx: ReleaseContext) -> pd.DataFrame:
    """Protected cells -> ``geo, time, indicator, unit, leg_stat, citizen, expl, age, sex, OBS_VALUE, OBS_FLAG``."""
    codes = coded(cells, list(DIMS), TOTALS)
    return pd.DataFrame({
        "geo": eurostat_geo(ctx.country), "time": cells["year"], "indicator": cells["breakdown"],
        "unit": "NR", **{dim: codes[dim] for dim in ("leg_stat", "citizen", "expl", "age", "sex")},
        "OBS_VALUE": cells["count"], "OBS_FLAG": ["c" if s else "" for s in cells["suppressed"]],
    })


def _justice(stage: str, label: str) -> Breakdown:
    return Breakdown(f"victims_{stage}", label, ("sex",), period=stage)


EUROSTAT = OfficialTable(
    name="eurostat",
    title="Eurostat trafficking in human beings: registered victims and the justice steps their cases reached",
    breakdowns=(
        Breakdown("victims_citizenship", "Registered victims by citizenship group and sex", ("citizen", "sex")),
        Breakdown("victims_exploitation", "Registered victims by form of exploitation and sex", ("expl", "sex")),
        Breakdown("victims_age", "Registered victims by age group and sex", ("age", "sex")),
        Breakdown("victims_status", "Registered victims by identification status and sex", ("leg_stat", "sex")),
        _justice("investigated", "Registered victims whose case was first investigated that year, by sex"),
        _justice("prosecuted", "Registered victims whose case first reached prosecution that year, by sex"),
        _justice("convicted", "Registered victims whose case first ended in a conviction that year, by sex"),
    ),
    records=eurostat_records, domains=eurostat_domains, layout=eurostat_layout, totals=TOTALS,
    notes=(
        "Registered victims: identified (IDENT, conclusive grounds) and presumed (PRES: positive reasonable "
        "grounds, possible victims), counted once per person and year of registration.",
        "Citizenship: the person's main citizenship against the reporting country and the EU-27 list shipped with "
        "ctkit (composition from 2020-02-01).",
        "Form: a victim of forms in more than one category counts under OTH (other forms).",
        "The victims_investigated/prosecuted/convicted rows count victims (registered within the release years) "
        "whose case first reached that step in the year, from the dated case lifecycle. Offenders (suspected, "
        "prosecuted and convicted persons) are the eurostat-offenders table.",
    ),
)
register_table(EUROSTAT)

# -- offenders: suspected, prosecuted and convicted persons (Eurostat crim_thb / crim_just leg_stat codes) --------

OFFENDER_DIMS = ("citizen", "sex")
OFFENDER_TOTALS = {"sex": "T", "citizen": "TOTAL"}
LEG_STAT = {"suspected": "PER_SUSP", "prosecuted": "PER_PRSC", "convicted": "PER_CNV"}


def offender_records(offenders: pd.DataFrame, ctx: ReleaseContext) -> pd.DataFrame:
    """Offender-year rows (:func:`~ctkit.share.formats.official.records.offender_years`) -> citizenship group, sex
    and one period column per stage (the year when reached in that row's year, else ``none``).
    """
    out = pd.DataFrame({
        "person_id": offenders["person_id"].astype(str), "year": offenders["year"].astype("int64"),
        "citizen": citizenship_group(offenders["citizenship"], ctx.country),
        "sex": map_codes(offenders["sex"], mapping(SCHEME, "sex"), "UNK"),
    })
    for stage in OFFENDER_STAGES:
        out[stage] = period_column(offenders[stage], ctx)
    return out


#: The offender rows as a table's own microdata: one row per perpetrator and year, holding up to three stages
#: (suspected, prosecuted, convicted), each counted by its own breakdown; so one person moves each of those tables
#: by at most one count a year, and ``rows_per_year`` is 1.
OFFENDER_ROWS = Microdata(name="offender", periods=OFFENDER_STAGES, rows_per_year=1,
                          rows=lambda snap, ctx: offender_records(offender_years(snap, ctx.years), ctx))


def offender_domains(ctx: ReleaseContext) -> dict[str, dict[str, str]]:
    return {dim: categories(SCHEME, dim) for dim in OFFENDER_DIMS}


def offender_layout(cells: pd.DataFrame, ctx: ReleaseContext) -> pd.DataFrame:
    """Protected cells -> ``geo, time, indicator, unit, leg_stat, citizen, sex, OBS_VALUE, OBS_FLAG``."""
    codes = coded(cells, list(OFFENDER_DIMS), OFFENDER_TOTALS)
    return pd.DataFrame({
        "geo": eurostat_geo(ctx.country), "time": cells["year"], "indicator": cells["breakdown"], "unit": "NR",
        "leg_stat": cells["breakdown"].map({f"{s}_persons": code for s, code in LEG_STAT.items()}),
        "citizen": codes["citizen"], "sex": codes["sex"],
        "OBS_VALUE": cells["count"], "OBS_FLAG": ["c" if s else "" for s in cells["suppressed"]],
    })


def _offenders(stage: str, label: str) -> Breakdown:
    return Breakdown(f"{stage}_persons", label, OFFENDER_DIMS, period=stage)


EUROSTAT_OFFENDERS = OfficialTable(
    name="eurostat-offenders",
    title="Eurostat trafficking in human beings: suspected, prosecuted and convicted persons",
    breakdowns=(
        _offenders("suspected", "Persons suspected of trafficking in the year, by citizenship group and sex"),
        _offenders("prosecuted", "Persons prosecuted for trafficking in the year, by citizenship group and sex"),
        _offenders("convicted", "Persons convicted of trafficking in the year, by citizenship group and sex"),
    ),
    records=no_victim_rows, domains=offender_domains, layout=offender_layout, totals=OFFENDER_TOTALS,
    microdata=(OFFENDER_ROWS,),
    notes=(
        "Persons, not proceedings: a perpetrator counts once per year and stage however many cases or "
        "proceedings they have; only proceedings that name a recorded perpetrator count (references of older "
        "records were made perpetrators of their case by migration 0008).",
        "Suspected: the year of the first of the proceeding's report to the police and investigation; "
        "prosecuted: the year prosecution began; convicted: the year of a verdict that convicted.",
        "Citizenship: the perpetrator's main citizenship against the reporting country and the EU-27 list "
        "shipped with ctkit (composition from 2020-02-01).",
        "Persons the organisation recorded: perpetrators recorded by different organisations are not linked, so "
        "one person on two organisations' cases counts twice.",
        "The release span comes from the victims' registration years when no years are given.",
        "Under differential privacy one perpetrator has one row a year holding up to three stages, each stage its "
        "own count, so each count moves by at most one per year: the contribution bound is L (the years of the "
        "release, or --max-years-per-person).",
    ),
)
register_table(EUROSTAT_OFFENDERS)
