"""Counts that summarise a store (``ctkit stats``): totals and a few breakdowns, no personal data."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, func, select

from ctkit.store import tables as t


def _count(conn: Connection, table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _by(conn: Connection, column, table=None) -> dict[str, int]:
    query = select(column, func.count()).group_by(column).order_by(column)
    if table is not None:
        query = query.select_from(table)
    return {str(key): n for key, n in conn.execute(query) if key is not None}


def store_stats(engine: Engine) -> dict:
    """Totals (``cases``, ``persons``, ``organisations``, ``events``) and breakdowns by form, year, status,
    recording agency and lifecycle stage. Safe to publish internally: counts only, no personal data.
    """
    with engine.connect() as conn:
        year = func.extract("year", t.cases.c.registered_on)
        by_year = {str(int(float(k))): n for k, n in _by(conn, year, t.cases).items()}
        agencies_per_person = (
            select(t.cases.c.person_id, func.count(func.distinct(t.case_recorded_by.c.agency)).label("n"))
            .join(t.case_recorded_by, t.case_recorded_by.c.case_id == t.cases.c.id)
            .group_by(t.cases.c.person_id).subquery()
        )
        return {
            "cases": _count(conn, t.cases),
            "persons": _count(conn, t.persons),
            "organisations": _count(conn, t.organisations),
            "events": _count(conn, t.case_events),
            "by_form": _by(conn, t.case_exploitations.c.form),
            "by_year": by_year,
            "by_identification_status": _by(conn, t.cases.c.identification_status),
            "by_recording_agency": _by(conn, t.case_recorded_by.c.agency),
            "persons_by_number_of_agencies": _by(conn, agencies_per_person.c.n),
            "by_lifecycle_stage": _by(conn, t.case_lifecycle.c.stage),
        }
