"""A k-anonymity export gate for CTDC files (the ``ExportGate`` seam of ``ctkit.share.formats``).

CTDC publishes case-level data k-anonymised over quasi-identifiers (k = 11 in its practice). This gate buffers
the whole export, then for every row whose combination of quasi-identifiers is shared by fewer than k rows it
blanks quasi-identifiers one at a time (the most identifying first) until the combination is common enough;
rows that stay rare with every quasi-identifier blank are dropped. Other columns (flags) pass unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from ctkit.errors import DisclosureError
from ctkit.share.disclosure.policy import DisclosurePolicy

# Most identifying first: blanked in this order.
CTDC_QUASI_IDENTIFIERS = ("citizenship", "CountryOfExploitation", "ageBroad", "yearOfRegistration", "gender")
CTDC_LAYOUTS = ("ctdc", "ctdc-2021", "ctdc-synthetic")


class KAnonymityGate:
    """Makes every exported CTDC row share its quasi-identifiers with at least k-1 others.

    >>> gate = KAnonymityGate(DisclosurePolicy(k=11))
    >>> gate.name
    'k-anonymity (k=11) over citizenship, CountryOfExploitation, ageBroad, yearOfRegistration, gender'
    """

    def __init__(self, policy: DisclosurePolicy, quasi_identifiers: tuple[str, ...] = CTDC_QUASI_IDENTIFIERS,
                 missing: str | None = None) -> None:
        self.policy = policy
        self.quasi_identifiers = quasi_identifiers
        self.missing = missing
        self.name = f"k-anonymity (k={policy.k}) over {', '.join(quasi_identifiers)}"
        self.blanked = 0
        self.dropped = 0

    def review(self, layout: str, chunks: Iterator[Any]) -> Iterator[Any]:
        """Buffer every chunk, anonymise, and yield one chunk. Raises DisclosureError for a non-CTDC layout."""
        if layout not in CTDC_LAYOUTS:
            raise DisclosureError(f"the k-anonymity gate handles CTDC layouts only, not '{layout}'",
                                  hint=f"export as one of {', '.join(CTDC_LAYOUTS)}")
        frames = [pd.DataFrame(chunk) for chunk in chunks]
        if not frames:
            return
        table = pd.concat(frames, ignore_index=True)
        missing = self.missing if self.missing is not None else _missing_token(layout)
        protected = self.anonymise(table, missing)
        yield {column: protected[column].to_numpy(dtype=object) for column in table.columns}

    def anonymise(self, table: pd.DataFrame, missing: str) -> pd.DataFrame:
        """The k-anonymous version of ``table`` (a copy); counts what it blanked and dropped."""
        table = table.copy()
        columns = [c for c in self.quasi_identifiers if c in table.columns]
        for column in columns:
            rare = self._rare(table, columns)
            if not rare.any():
                break
            self.blanked += int((rare & (table[column] != missing)).sum())
            table.loc[rare, column] = missing
        rare = self._rare(table, columns)
        self.dropped += int(rare.sum())
        return table[~rare].reset_index(drop=True)

    def _rare(self, table: pd.DataFrame, columns: list[str]) -> np.ndarray:
        if not columns:
            return np.zeros(len(table), dtype=bool)
        sizes = table.groupby(columns, dropna=False)[columns[0]].transform("size")
        return (sizes < self.policy.k).to_numpy()


def _missing_token(layout: str) -> str:
    from ctkit.share.formats.layouts import layout as get_layout

    return get_layout(layout).missing
