"""The one seam between an export and the outside world: every exported chunk passes through an ExportGate.

Exports that leave the organisation must pass disclosure control (``ctkit.share.disclosure``, built separately).
That package plugs in here by providing an :class:`ExportGate`; the exporters call nothing else on the way out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import numpy as np

#: One chunk of a CTDC export: column name -> numpy object array of text values, in the layout's column order.
Columns = dict[str, np.ndarray]


class ExportGate(Protocol):
    """Reviews the rows of an export before they are written; may suppress, coarsen or refuse (DisclosureError).

    ``review`` receives the whole export as one stream, so an implementation that needs every row (e.g.
    k-anonymity) may buffer or spill to disk before yielding. Items are :data:`Columns` chunks for the CTDC
    layouts (``ctdc``, ``ctdc-2021``, ``ctdc-synthetic``) and one HTCDS record (a dict, the shape of
    :func:`ctkit.share.formats.htcds_map.case_to_record`) per case for ``htcds-csv`` / ``htcds-json``.
    """

    name: str

    def review(self, layout: str, chunks: Iterator[Any]) -> Iterator[Any]: ...


class Unreviewed:
    """Passes rows through unchanged: for exports that stay inside the organisation (the default today)."""

    name = "unreviewed (internal use only: no disclosure control applied)"

    def review(self, layout: str, chunks: Iterator[Any]) -> Iterator[Any]:
        return chunks


UNREVIEWED = Unreviewed()
