"""Disclosure control: the one layer every table that leaves the organisation passes through.

Public API::

    from ctkit.share.disclosure import DisclosurePolicy, protect_table
    policy = DisclosurePolicy(k=10)          # k < 2 raises DisclosureError
    published = policy.protect_table(counts, ["sex", "age_band"], margins=True)
    rows = policy.drop_rare_places(published, ["country"], place_counts)
    gate = KAnonymityGate(DisclosurePolicy(k=11))   # an ExportGate for CTDC exports (ctkit.share.formats)

Published counts are multiples of k, cells under k are missing (never zero), margins are sums of protected
cells, and places with fewer than k records are not named. See docs/analyse.md for what this does and does not
protect against.
"""

from ctkit.share.disclosure.gate import CTDC_QUASI_IDENTIFIERS, KAnonymityGate
from ctkit.share.disclosure.policy import (
    COUNT,
    DEFAULT_K,
    MAX_DIMS,
    SUPPRESSED,
    TOTAL,
    DisclosurePolicy,
    margins_of,
    protect_table,
    protected_share,
)

__all__ = [
    "COUNT",
    "CTDC_QUASI_IDENTIFIERS",
    "DEFAULT_K",
    "MAX_DIMS",
    "SUPPRESSED",
    "TOTAL",
    "DisclosurePolicy",
    "KAnonymityGate",
    "margins_of",
    "protect_table",
    "protected_share",
]
