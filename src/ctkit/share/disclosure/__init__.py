"""Disclosure control: the one layer every table that leaves the organisation passes through.

Public API::

    from ctkit.share.disclosure import DisclosurePolicy, protect_table
    policy = DisclosurePolicy(k=10)          # k < 2 raises DisclosureError
    published = policy.protect_table(counts, ["sex", "age_band"], margins=True)
    rows = policy.drop_rare_places(published, ["country"], place_counts)
    gate = KAnonymityGate(DisclosurePolicy(k=11))   # an ExportGate for CTDC exports (ctkit.share.formats)

Differential privacy (see docs/publication.md)::

    ledger = PrivacyLedger(engine); ledger.set_budget("ctdc-2026", epsilon=3.0, delta=1e-6)
    release = release_dp_counts(df, [CountQuery("by_sex", ("sex",), {"sex": ["F", "M", "unknown"]})],
                                dataset="ctdc-2026", epsilon=0.5, ledger=ledger, product="unodc-glotip")
    # over budget -> BudgetExceeded, no budget agreed -> DisclosureError; nothing charged either way
    synthetic = release_synthetic(true_synthetic_table(engine), dataset="ctdc-2026", epsilon=1.0, delta=1e-6,
                                  ledger=ledger)   # .records (CTDC synthetic v2), .aggregates, .utility
    write_synthetic_release(synthetic, Path("release-2026"))

k-anonymity: published counts are multiples of k, cells under k are missing (never zero), margins are sums of protected
cells, and places with fewer than k records are not named. See docs/analyse.md for what this does and does not
protect against.
"""

from ctkit.errors import BudgetExceeded
from ctkit.share.disclosure.dp_counts import CountQuery, DpRelease, release_dp_counts
from ctkit.share.disclosure.gate import CTDC_QUASI_IDENTIFIERS, KAnonymityGate
from ctkit.share.disclosure.ledger import Budget, LedgerEntry, PrivacyLedger
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
from ctkit.share.disclosure.synthetic import (
    SyntheticRelease,
    release_statement,
    release_synthetic,
    true_synthetic_table,
    write_synthetic_release,
)
from ctkit.share.disclosure.utility import UTILITY_COLUMNS, utility_figures

__all__ = [
    "COUNT",
    "CTDC_QUASI_IDENTIFIERS",
    "DEFAULT_K",
    "Budget",
    "BudgetExceeded",
    "CountQuery",
    "MAX_DIMS",
    "SUPPRESSED",
    "SyntheticRelease",
    "TOTAL",
    "UTILITY_COLUMNS",
    "DisclosurePolicy",
    "DpRelease",
    "KAnonymityGate",
    "LedgerEntry",
    "PrivacyLedger",
    "margins_of",
    "protect_table",
    "protected_share",
    "release_dp_counts",
    "release_statement",
    "release_synthetic",
    "true_synthetic_table",
    "utility_figures",
    "write_synthetic_release",
]
