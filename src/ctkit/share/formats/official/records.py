"""One row per victim and year from the pseudonymised snapshot: the microdata every official table counts.

A person counted as a victim (identified or presumed, see ``official_codes.yaml``) in a registration year is one
row, however many cases they have that year (the most advanced identification wins). The rows carry the recorded
forms and route countries as lists and the year each justice stage was first reached; table builders map them to
their categories. Nothing here leaves the organisation: only protected counts do.
"""

from __future__ import annotations

import pandas as pd

from ctkit.analyse.snapshot import Snapshot
from ctkit.share.formats.official.codes import victim_statuses

JUSTICE_STAGES = ("investigated", "prosecuted", "convicted")
#: Offender stages of the snapshot's ``perpetrator_stages`` (see :mod:`ctkit.analyse.offenders`).
OFFENDER_STAGES = ("suspected", "prosecuted", "convicted")

_SQL = """
WITH v AS (
    SELECT case_id, person_id, year, CAST(sex AS VARCHAR) AS sex, age_years, CAST(citizenship AS VARCHAR)
           AS citizenship, CAST(identification_status AS VARCHAR) AS identification_status,
           row_number() OVER (PARTITION BY person_id, year
                              ORDER BY CAST(identification_status AS VARCHAR) IN ({identified}) DESC,
                                       registered_on, case_id) AS rn
    FROM cases
    WHERE CAST(identification_status AS VARCHAR) IN ({victims}) AND year BETWEEN ? AND ? {detected}
),
f AS (SELECT case_id, string_agg(DISTINCT CAST(form AS VARCHAR), ',' ORDER BY CAST(form AS VARCHAR)) AS forms
      FROM exploitations GROUP BY case_id),
r AS (SELECT case_id, string_agg(DISTINCT CAST(country AS VARCHAR), ',' ORDER BY CAST(country AS VARCHAR))
             FILTER (WHERE country IS NOT NULL) AS route_countries,
             bool_or(CAST(role AS VARCHAR) = 'origin' AND country IS NOT NULL) AS has_origin
      FROM route_legs GROUP BY case_id),
s AS (SELECT case_id, {stage_years} FROM stages GROUP BY case_id)
SELECT v.person_id, v.year, v.sex, v.age_years, v.citizenship, v.identification_status, f.forms,
       r.route_countries, coalesce(r.has_origin, false) AS has_origin, {stage_columns}
FROM v LEFT JOIN f USING (case_id) LEFT JOIN r USING (case_id) LEFT JOIN s USING (case_id)
WHERE v.rn = 1
"""


def _quoted(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def victim_years(snap: Snapshot, years: tuple[int, int] | None = None, *,
                 exploited_in: str | None = None) -> pd.DataFrame:
    """Victim-year rows of ``snap`` registered within ``years`` (inclusive; None: every year), only those with a
    destination leg in ``exploited_in`` (alpha-3) when given.

    Columns: ``person_id`` (pseudonym, for bounding one person's contribution; never published), ``year``, ``sex``,
    ``age_years``, ``citizenship``, ``identification_status``, ``status`` (identified / presumed), ``forms`` and
    ``route_countries`` (sorted, comma-separated: few distinct values, mapped once each), ``has_origin`` (an
    origin leg's country is recorded), and
    ``investigated``/``prosecuted``/``convicted`` (year first reached, or NA).
    """
    statuses = victim_statuses()
    identified = [code for code, kind in statuses.items() if kind == "identified"]
    low, high = years if years is not None else (-32768, 32767)
    stage_years = ", ".join(f"min(year(reached_on)) FILTER (WHERE CAST(stage AS VARCHAR) = '{s}') AS {s}"
                            for s in JUSTICE_STAGES)
    detected = "" if exploited_in is None else (
        "AND case_id IN (SELECT case_id FROM route_legs WHERE CAST(role AS VARCHAR) = 'destination' "
        "AND CAST(country AS VARCHAR) = ?)")
    sql = _SQL.format(identified=_quoted(identified), victims=_quoted(statuses), stage_years=stage_years,
                      stage_columns=", ".join(f"s.{s}" for s in JUSTICE_STAGES), detected=detected)
    frame = snap.query(sql, [low, high] + ([exploited_in] if exploited_in is not None else []))
    # sorted here, not in SQL (DuckDB sorts the whole payload): a stable order keeps seeded DP choices repeatable
    frame = frame.sort_values(["year", "person_id"], kind="stable", ignore_index=True)
    frame["status"] = frame["identification_status"].map(statuses).astype(object)
    frame["person_id"] = frame["person_id"].astype(str)
    frame["year"] = frame["year"].astype("int64")
    for stage in JUSTICE_STAGES:
        frame[stage] = frame[stage].astype("Int64")
    return frame.reset_index(drop=True)


_OFFENDER_SQL = """
SELECT CAST(s.perpetrator_id AS VARCHAR) AS person_id, s.year, CAST(p.sex AS VARCHAR) AS sex,
       CAST(p.citizenship AS VARCHAR) AS citizenship, {flags}
FROM perpetrator_stages s JOIN perpetrators p USING (perpetrator_id)
WHERE s.year BETWEEN ? AND ?
GROUP BY ALL
"""


def offender_years(snap: Snapshot, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Offender-year rows of ``snap`` within ``years`` (inclusive; None: every year): one row per perpetrator and
    year in which they reached any stage, so each person counts once per year and stage. Offender tables read them
    as their own :class:`~ctkit.share.formats.official.model.Microdata`.

    Columns: ``person_id`` (perpetrator pseudonym as text; never published), ``year``, ``sex``, ``citizenship``
    and ``suspected``/``prosecuted``/``convicted`` (the row's year when that stage was reached in it, else NA).
    """
    low, high = years if years is not None else (-32768, 32767)
    flags = ", ".join(f"bool_or(CAST(s.stage AS VARCHAR) = '{stage}') AS {stage}" for stage in OFFENDER_STAGES)
    frame = snap.query(_OFFENDER_SQL.format(flags=flags), [low, high])
    frame = frame.sort_values(["year", "person_id"], kind="stable", ignore_index=True)  # repeatable DP choices
    frame["year"] = frame["year"].astype("int64")
    for stage in OFFENDER_STAGES:
        frame[stage] = frame["year"].astype("Int64").where(frame[stage].astype(bool))
    return frame
