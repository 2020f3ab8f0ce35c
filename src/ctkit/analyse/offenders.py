"""The snapshot's perpetrator tables, built from the store: allow-listed non-personal columns, keyed pseudonyms.

Never read: a perpetrator's ``personal_ciphertext`` (names, aliases, birth date, documents, notes), the case-local
labels, ``organisation_id``. Stages of a proceeding (only proceedings that name a perpetrator by id):
``suspected`` in the year of the first of its report and investigation dates (a named suspect is recorded when
the offence is reported to the police, at the latest when investigated), ``prosecuted`` in the year of
``prosecution_on``, ``convicted`` in the year of ``verdict_on`` when the proceeding ended in a conviction.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from ctkit.analyse.pseudonym import PseudonymKey
from ctkit.vocab import ctdc_age_band

STAGES = ("suspected", "prosecuted", "convicted")
READ = {
    "perpetrators": "id, sex, birth_year, citizenship",
    "case_perpetrators": "case_id, perpetrator_id, roles",
    "proceedings": "perpetrator_id, status, reported_on, investigation_on, prosecution_on, verdict_on",
}


def _read(engine: Engine, table: str, where: str = "") -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(f"SELECT {READ[table]} FROM {table} {where}"), conn)


def _pids(key: PseudonymKey, ids: pd.Series) -> np.ndarray:
    return np.fromiter((key.pid("perpetrator", str(i)) for i in ids), dtype=np.int64, count=len(ids))


def _roles(value) -> list[str]:
    """A JSON column comes back as text on SQLite and decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else list(value or [])


def _year(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column).dt.year.astype("Int64")


def stage_years(proceedings: pd.DataFrame) -> pd.DataFrame:
    """(perpetrator_id, stage, year) rows, one per perpetrator, stage and year reached in any proceeding."""
    suspected = pd.concat([_year(proceedings["reported_on"]), _year(proceedings["investigation_on"])], axis=1)
    convicted = _year(proceedings["verdict_on"]).where(proceedings["status"] == "conviction")
    years = {"suspected": suspected.min(axis=1).astype("Int64"), "prosecuted": _year(proceedings["prosecution_on"]),
             "convicted": convicted}
    frames = [pd.DataFrame({"perpetrator_id": proceedings["perpetrator_id"], "stage": stage, "year": years[stage]})
              for stage in STAGES]
    out = pd.concat(frames, ignore_index=True).dropna(subset=["year"])
    return out.drop_duplicates().reset_index(drop=True)


def offender_tables(engine: Engine, key: PseudonymKey, case_pid: dict[str, int],
                    registered: dict[str, int]) -> dict[str, pd.DataFrame]:
    """``perpetrators``, ``perpetrator_stages`` and ``case_perpetrators`` for the snapshot.

    ``case_pid`` maps store case ids to their pseudonyms, ``registered`` store case ids to registration years.
    """
    people = _read(engine, "perpetrators")
    links = _read(engine, "case_perpetrators")
    stages = stage_years(_read(engine, "proceedings", "WHERE perpetrator_id IS NOT NULL"))
    roles = links.assign(roles=links["roles"].map(_roles))
    all_roles = roles.explode("roles").dropna(subset=["roles"]).groupby("perpetrator_id")["roles"].agg(
        lambda r: ",".join(sorted(set(r))))
    first = stages.pivot_table(index="perpetrator_id", columns="stage", values="year", aggfunc="min")
    first = first.reindex(columns=list(STAGES))
    first_case = links.assign(year=links["case_id"].map(registered)).groupby("perpetrator_id")["year"].min()
    pid = dict(zip(people["id"], _pids(key, people["id"]), strict=True))
    at = first["suspected"].reindex(people["id"]).to_numpy(dtype="float64", na_value=np.nan)
    at = np.where(np.isnan(at), first_case.reindex(people["id"]).to_numpy(dtype="float64", na_value=np.nan), at)
    ages = at - people["birth_year"].to_numpy(dtype="float64", na_value=np.nan)
    perpetrators = pd.DataFrame({
        "perpetrator_id": people["id"].map(pid), "sex": people["sex"],
        "age_band": [None if np.isnan(a) else ctdc_age_band(int(a)) for a in ages],
        "citizenship": people["citizenship"], "roles": people["id"].map(all_roles),
        **{f"first_{s}": first[s].reindex(people["id"]).astype("Int64").to_numpy() for s in STAGES},
    })
    return {
        "perpetrators": perpetrators,
        "perpetrator_stages": stages.assign(perpetrator_id=stages["perpetrator_id"].map(pid)),
        "case_perpetrators": pd.DataFrame({
            "case_id": links["case_id"].map(case_pid), "perpetrator_id": links["perpetrator_id"].map(pid),
            "roles": roles["roles"].map(",".join)}),
    }
