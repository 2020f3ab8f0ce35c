"""Routes: origin -> transit -> destination flows, top corridors and each place's role profile.

A case's origin is its first recruitment leg, its transit the first transit leg, its destination the last
exploitation leg (legs are ordered by ``leg_no``). At ``level="region"`` a place is the ISO 3166-2 region where
recorded, else the country, so Kaliningrad Oblast (RU-KGD) shows apart from the rest of Russia.
"""

from __future__ import annotations

import pandas as pd

from ctkit.analyse._sql import finish, run
from ctkit.analyse.filters import Filters
from ctkit.analyse.snapshot import Snapshot
from ctkit.errors import ValidationError

LEVELS = {"country": "country", "region": "coalesce(region, country)"}
VIEWS = ("corridors", "flows", "roles")


def _place(level: str) -> str:
    if level not in LEVELS:
        raise ValidationError(f"level must be one of {', '.join(LEVELS)}; got '{level}'")
    return LEVELS[level]


def _legs(level: str) -> str:
    return f"""legs AS (
        SELECT r.case_id, r.leg_no, r.role, {_place(level)} AS place
        FROM route_legs r SEMI JOIN filtered c ON c.case_id = r.case_id
        WHERE {_place(level)} IS NOT NULL),
    per_case AS (
        SELECT case_id,
            arg_min(place, leg_no) FILTER (WHERE role = 'origin') AS origin,
            arg_min(place, leg_no) FILTER (WHERE role = 'transit') AS transit,
            arg_max(place, leg_no) FILTER (WHERE role = 'destination') AS destination
        FROM legs GROUP BY case_id)"""


def flows(snap: Snapshot, filters: Filters | None = None, level: str = "country") -> pd.DataFrame:
    """Cases per (origin, transit, destination) path; a missing part is empty. Columns ``..., count``."""
    body = f"""{_legs(level)}
    SELECT origin, transit, destination, count(*) AS count FROM per_case GROUP BY ALL"""
    frame = run(snap, filters, body)
    return finish(frame, None, ["origin", "transit", "destination"], order=["origin", "transit", "destination"])


def corridors(
    snap: Snapshot, filters: Filters | None = None, level: str = "country", top: int | None = 10
) -> pd.DataFrame:
    """Top origin -> destination corridors: ``origin, destination, count, denominator, share``.

    The share is of cases whose origin and destination are both known; ``top=None`` keeps every corridor.
    """
    limit = "" if top is None else f"LIMIT {int(top)}"
    body = f"""{_legs(level)}
    SELECT origin, destination, count(*) AS count, sum(count(*)) OVER () AS denominator,
        count(*) / sum(count(*)) OVER () AS share
    FROM per_case WHERE origin IS NOT NULL AND destination IS NOT NULL
    GROUP BY ALL ORDER BY count DESC, origin, destination {limit}"""
    return finish(run(snap, filters, body), None, ["origin", "destination"], denominators="margin")


def place_roles(snap: Snapshot, filters: Filters | None = None, level: str = "country") -> pd.DataFrame:
    """How much each place is a source, transit or destination: ``place, role, count, denominator, share``.

    ``count`` is the cases in which the place plays the role, ``denominator`` the cases touching the place in any
    role; a place may play several roles in one case, so its shares can add up to more than 100%.
    """
    body = f"""{_legs(level)},
    roles AS (SELECT DISTINCT case_id, place, role FROM legs),
    totals AS (SELECT place, count(DISTINCT case_id) AS n FROM legs GROUP BY place)
    SELECT r.place, r.role, count(*) AS count, t.n AS denominator, count(*) / t.n AS share
    FROM roles r JOIN totals t ON t.place = r.place GROUP BY r.place, r.role, t.n"""
    frame = run(snap, filters, body)
    order = {"origin": 0, "transit": 1, "destination": 2}
    frame = frame.assign(_o=frame["role"].map(order)).sort_values(["place", "_o"]).drop(columns="_o")
    frame = finish(frame.reset_index(drop=True), None, ["place", "role"], denominators="cell")
    frame.attrs["partition"] = ["place"]
    return frame


def routes(
    snap: Snapshot, filters: Filters | None = None, level: str = "country", view: str = "corridors"
) -> pd.DataFrame:
    """One of the route views (``corridors``, ``flows``, ``roles``) for the CLI and the web.

    Example: ``routes(snap, level="region", view="roles")``
    """
    if view not in VIEWS:
        raise ValidationError(f"route view must be one of {', '.join(VIEWS)}; got '{view}'")
    if view == "flows":
        return flows(snap, filters, level)
    if view == "roles":
        return place_roles(snap, filters, level)
    return corridors(snap, filters, level, top=None)
