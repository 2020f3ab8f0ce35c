"""The holder's last step: learn which of its own records matched, and drop its fake records.

The hub's answer names only random ids. The holder joins it with its private map (``rid`` -> ``record_id``,
``fake``), keeps its own side, drops every pair where its own record is a fake, and gets its record ids with the
score band and the hub's ``pair_ref`` (which both holders can quote to each other to talk about one pair).

Example:
    >>> import pandas as pd
    >>> m = pd.DataFrame({"pair_ref": ["p1"], "rid_a": ["r1"], "rid_b": ["x9"], "band": ["high"]})
    >>> keep = pd.DataFrame({"rid": ["r1", "r2"], "record_id": ["case-7", None], "fake": [False, True]})
    >>> resolve(m, keep).to_dict("records")
    [{'pair_ref': 'p1', 'record_id': 'case-7', 'band': 'high'}]
"""

from __future__ import annotations

import pandas as pd

from ctkit.errors import ValidationError

__all__ = ["resolve"]


def resolve(matches: pd.DataFrame, private: pd.DataFrame) -> pd.DataFrame:
    """Own matched records (``pair_ref``, ``record_id``, ``band``), fakes dropped, sorted by record id.

    Raises ``ValidationError`` when the private map belongs to neither side of the match file, or both.
    """
    own = set(private["rid"])
    hits = {side: matches[side].isin(own).any() for side in ("rid_a", "rid_b")}
    if hits["rid_a"] == hits["rid_b"] and len(matches):
        raise ValidationError("the private map does not belong to exactly one side of this match file")
    side = "rid_a" if hits["rid_a"] else "rid_b"
    joined = matches.merge(private, left_on=side, right_on="rid", how="inner")
    joined = joined[~joined["fake"].astype(bool)]
    out = joined[["pair_ref", "record_id", "band"]]
    return out.sort_values("record_id", ignore_index=True)
