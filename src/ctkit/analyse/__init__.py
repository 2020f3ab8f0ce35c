"""Analysis: the pseudonymised snapshot, profile/exploitation/route/recruitment/trend/funnel queries, publishing.

Public API::

    from ctkit.analyse import Filters, synthetic_snapshot, profiles, publish, place_totals
    snap = synthetic_snapshot(1000)                     # or Snapshot.open(dir), build_snapshot(engine, key)
    table = profiles(snap, Filters(sex=("female",)), by="year")   # a tidy DataFrame
    public = publish(table, DisclosurePolicy(k=10))     # what may leave the organisation

Every analysis reads only a :class:`Snapshot` and returns a tidy table; anything published goes through
:func:`publish` (``ctkit.share.disclosure``).
"""

from ctkit.analyse.exploitation import exploitation
from ctkit.analyse.filters import Filters
from ctkit.analyse.funnel import funnel, stage_order
from ctkit.analyse.profiles import profiles
from ctkit.analyse.pseudonym import PseudonymKey
from ctkit.analyse.publish import publish
from ctkit.analyse.recruitment import recruitment
from ctkit.analyse.registry import analysis, analysis_names, register_analysis
from ctkit.analyse.routes import corridors, flows, place_roles, place_totals, routes
from ctkit.analyse.schema import SCHEMA_VERSION, TABLES
from ctkit.analyse.snapshot import Snapshot
from ctkit.analyse.synthetic import synthetic_snapshot, synthetic_tables
from ctkit.analyse.trends import trends

__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "Filters",
    "PseudonymKey",
    "Snapshot",
    "analysis",
    "analysis_names",
    "corridors",
    "exploitation",
    "flows",
    "funnel",
    "place_roles",
    "place_totals",
    "profiles",
    "publish",
    "recruitment",
    "register_analysis",
    "routes",
    "stage_order",
    "synthetic_snapshot",
    "synthetic_tables",
    "trends",
]
