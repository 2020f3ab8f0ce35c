"""Official aggregate tables: UNODC GLOTIP / SDG 16.2.2, Eurostat trafficking statistics, a GRETA country table.

Every table is made from the pseudonymised snapshot and leaves only through disclosure control: k-anonymity
(threshold and round) or differentially private counts charged on the privacy ledger.

Public API::

    from ctkit.share.formats.official import publish_official, publish_to, DpSettings, table_names
    release = publish_official(snap, "unodc", country="RUS", mode="k-anon", k=10)
    csv_path, json_path, _ = publish_to(Path("out"), "unodc", lambda: release)

A deployment adds a table with :func:`register_table` (an :class:`OfficialTable`), as the built-ins do.
"""

from ctkit.share.formats.official.codes import eu27, official_codes
from ctkit.share.formats.official.model import (
    Breakdown,
    OfficialTable,
    ReleaseContext,
    official_table,
    register_table,
    table_names,
)
from ctkit.share.formats.official.population import read_population
from ctkit.share.formats.official.release import MODES, DpSettings, OfficialRelease, publish_official, snapshot_id
from ctkit.share.formats.official.writer import publish_to, targets

# The built-in tables register themselves on import, through the same register_table an add-on uses.
from ctkit.share.formats.official import eurostat as _eurostat  # noqa: E402, F401  isort: skip
from ctkit.share.formats.official import greta as _greta  # noqa: E402, F401  isort: skip
from ctkit.share.formats.official import unodc as _unodc  # noqa: E402, F401  isort: skip

__all__ = [
    "MODES",
    "Breakdown",
    "DpSettings",
    "OfficialRelease",
    "OfficialTable",
    "ReleaseContext",
    "eu27",
    "official_codes",
    "official_table",
    "publish_official",
    "publish_to",
    "read_population",
    "register_table",
    "snapshot_id",
    "table_names",
    "targets",
]
