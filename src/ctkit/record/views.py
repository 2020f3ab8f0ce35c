"""Read models of casework: a case's timeline, the deadlines dashboard, the supervisor's decisions queue.

Each takes the set of case ids the caller may see (the web layer computes it with the policy's scope filter),
so nothing here decides access.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, select

from ctkit.store import tables as t
from ctkit.store.casework_tables import (
    casework_deadlines,
    casework_referrals,
    casework_requests,
    casework_services,
    casework_transitions,
)


@dataclass(frozen=True)
class TimelineItem:
    on: date
    kind: str  # transition | referral | service | consent
    what: str  # a code: the transition action, the referral service and status...
    detail: str = ""


def timeline(conn: Connection, case_id: str) -> list[TimelineItem]:
    """Everything that happened to the case, oldest first (codes and dates only)."""
    items = [TimelineItem(r.on_date, "transition", r.action, f"{r.machine}:{r.to_state}")
             for r in conn.execute(select(casework_transitions).where(casework_transitions.c.case_id == case_id))]
    items += [TimelineItem(r.sent_on, "referral", r.service, f"{r.kind}:{r.status}")
              for r in conn.execute(select(casework_referrals).where(casework_referrals.c.case_id == case_id))]
    items += [TimelineItem(r.start_date or r.planned_on, "service", r.service, r.status)
              for r in conn.execute(select(casework_services).where(casework_services.c.case_id == case_id))]
    for r in conn.execute(select(t.consents).where(t.consents.c.case_id == case_id)):
        items.append(TimelineItem(r.given_on, "consent", r.purpose, "given"))
        if r.withdrawn_on:
            items.append(TimelineItem(r.withdrawn_on, "consent", r.purpose, "withdrawn"))
    return sorted(items, key=lambda i: (i.on, i.kind))


def deadlines(conn: Connection, case_ids: list[str] | None = None, *, case_id: str | None = None,
              today: date, within_days: int | None = None) -> list[dict]:
    """Open deadlines (reflection period ends, referral responses, retention reviews), soonest first.

    ``within_days`` keeps those due by ``today + within_days`` (overdue ones included).
    """
    d = casework_deadlines.c
    query = select(d.id, d.case_id, d.kind, d.starts_on, d.due_on, d.extensions).where(d.status == "open")
    if case_id is not None:
        query = query.where(d.case_id == case_id)
    elif case_ids is not None:
        query = query.where(d.case_id.in_(case_ids))
    if within_days is not None:
        query = query.where(d.due_on <= today + timedelta(days=within_days))
    rows = [dict(r._mapping) for r in conn.execute(query.order_by(d.due_on, d.case_id))]
    for row in rows:
        row["days_left"] = (row["due_on"] - today).days
    return rows


def decisions_queue(conn: Connection, organisation_id: str) -> list[dict]:
    """What waits for a supervisor of ``organisation_id``: closure requests, and cases awaiting a reasonable- or
    conclusive-grounds decision."""
    c, r = t.cases.c, casework_requests.c
    out = [{"case_id": row.case_id, "kind": f"request_{row.action}", "since": row.on_date, "request_id": row.id,
            "reason": row.reason}
           for row in conn.execute(select(r.id, r.case_id, r.action, r.on_date, r.reason).where(
               r.organisation_id == organisation_id, r.status == "pending").order_by(r.on_date))]
    waiting = {"possible_victim": "reasonable_grounds_decision", "reasonable_grounds": "conclusive_grounds_decision"}
    for row in conn.execute(select(c.id, c.identification_status, c.registered_on).where(
            c.organisation_id == organisation_id, c.identification_status.in_(list(waiting)))
            .order_by(c.registered_on, c.id).limit(500)):
        out.append({"case_id": row.id, "kind": waiting[row.identification_status], "since": row.registered_on,
                    "request_id": None, "reason": None})
    return out
