"""Routes: origin -> transit -> destination flows, top corridors and each place's role profile.

A case's origin is its first recruitment leg, its transit the first transit leg, its destination the last
exploitation leg (legs are ordered by ``leg_no``). At ``level="region"`` a place is the ISO 3166-2 region where
recorded, else the country, so Kaliningrad Oblast (RU-KGD) shows apart from the rest of Russia. The per-case
summary comes from the derived ``case_routes`` / ``case_places`` tables (see :mod:`ctkit.analyse.derived`).
"""

from __future__ import annotations

import pandas as pd

from ctkit.analyse._sql import Scope, finish, run
from ctkit.analyse.derived import LEVEL_PLACE, ROLE_BITS
from ctkit.analyse.filters import Filters
from ctkit.analyse.snapshot import Snapshot
from ctkit.errors import ValidationError

VIEWS = ("corridors", "flows", "roles")


def check_level(level: str) -> str:
    if level not in LEVEL_PLACE:
        raise ValidationError(f"level must be one of {', '.join(LEVEL_PLACE)}; got '{level}'")
    return level


def _per_case(scope: Scope, level: str) -> str:
    check_level(level)
    return f"""per_case AS (SELECT origin_{level} AS origin, transit_{level} AS transit,
        destination_{level} AS destination FROM {scope.rows("case_routes")})"""


def flows(snap: Snapshot, filters: Filters | None = None, level: str = "country") -> pd.DataFrame:
    """Cases per (origin, transit, destination) path; a missing part is empty. Columns ``..., count``."""
    scope = Scope.of(filters)
    body = f"""{_per_case(scope, level)}
    SELECT origin, transit, destination, count(*) AS count FROM per_case GROUP BY ALL"""
    frame = run(snap, scope, body)
    return finish(frame, None, ["origin", "transit", "destination"], order=["origin", "transit", "destination"])


def corridors(
    snap: Snapshot, filters: Filters | None = None, level: str = "country", top: int | None = 10
) -> pd.DataFrame:
    """Top origin -> destination corridors: ``origin, destination, count, denominator, share``.

    The share is of cases whose origin and destination are both known; ``top=None`` keeps every corridor.
    """
    scope = Scope.of(filters)
    limit = "" if top is None else f"LIMIT {int(top)}"
    body = f"""{_per_case(scope, level)}
    SELECT origin, destination, count(*) AS count, sum(count(*)) OVER () AS denominator,
        count(*) / sum(count(*)) OVER () AS share
    FROM per_case WHERE origin IS NOT NULL AND destination IS NOT NULL
    GROUP BY ALL ORDER BY count DESC, origin, destination {limit}"""
    return finish(run(snap, scope, body), None, ["origin", "destination"], denominators="margin")


def place_roles(snap: Snapshot, filters: Filters | None = None, level: str = "country") -> pd.DataFrame:
    """How much each place is a source, transit or destination: ``place, role, count, denominator, share``.

    ``count`` is the cases in which the place plays the role, ``denominator`` the cases touching the place in any
    role; a place may play several roles in one case, so its shares can add up to more than 100%.
    """
    scope = Scope.of(filters)
    sums = ", ".join(f"sum(CASE WHEN roles & {bit} > 0 THEN 1 ELSE 0 END) AS {role}" for role, bit in ROLE_BITS.items())
    body = f"""p AS (SELECT place, roles FROM {scope.rows("case_places")} WHERE level = ?)
    SELECT place, count(*) AS denominator, {sums} FROM p GROUP BY place"""
    wide = run(snap, scope, body, [check_level(level)])
    frame = wide.melt(id_vars=["place", "denominator"], value_vars=list(ROLE_BITS), var_name="role",
                      value_name="count")
    frame = frame[frame["count"] > 0]
    frame = frame.assign(share=frame["count"] / frame["denominator"])[["place", "role", "count", "denominator",
                                                                        "share"]]
    order = {"origin": 0, "transit": 1, "destination": 2}
    frame = frame.assign(_o=frame["role"].map(order)).sort_values(["place", "_o"]).drop(columns="_o")
    frame = finish(frame.reset_index(drop=True), None, ["place", "role"], denominators="cell")
    frame.attrs["partition"] = ["place"]
    return frame


def place_totals(snap: Snapshot, filters: Filters | None = None, level: str = "country") -> pd.Series:
    """Cases touching each place in any role (the 'records overall' of the place rule), indexed by place."""
    scope = Scope.of(filters)
    body = f"""p AS (SELECT place FROM {scope.rows("case_places")} WHERE level = ?)
    SELECT place, count(*) AS n FROM p GROUP BY place"""
    return run(snap, scope, body, [check_level(level)]).set_index("place")["n"]


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
