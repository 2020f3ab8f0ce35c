"""Term frequencies for the Fellegi-Sunter model, counted without the pair they weigh.

A term-frequency adjustment scores two records that agree on a value ``v`` by ``m / u_v``, where ``u_v`` is the
chance that a record of *another* person carries ``v``. Splink estimates ``u_v`` as the share of all records that
carry ``v``, which counts the pair itself: a name held by one person with three records is given ``u = 3/n``
although no other person holds it. In a register with a long tail of names most names are like that, so the
model is underconfident exactly where the name is the best evidence (a record with no birth date and a rare
name). Here ``u_v`` is counted without the two records of the pair (``count - 2``), plus a pseudo-count for the
other people who may hold ``v`` unseen: 0.5, the Jeffreys prior of a Poisson count (the posterior mean of its
rate after observing none). A value seen on two records then weighs four times what Splink gives it, one seen
ten times about 1.2 times; common values are unchanged.

Example:
    >>> leave_pair_out_frequencies(pd.Series(["ivanova", "ivanova", "ivanova", "zub", "zub", None]), "k")
             k  tf_k
    0  ivanova   0.3
    1      zub   0.1
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["UNSEEN_HOLDERS", "leave_pair_out_frequencies"]

UNSEEN_HOLDERS = 0.5  # Jeffreys: the posterior mean of a Poisson rate after a count of zero


def leave_pair_out_frequencies(values: pd.Series, column: str, unseen: float = UNSEEN_HOLDERS) -> pd.DataFrame:
    """Splink's term-frequency lookup for ``column`` (``column``, ``tf_<column>``) from the records' ``values``.

    The frequency of each value is ``(max(count - 2, 0) + unseen) / n`` over the ``n`` non-null values. Values
    held by one record only are kept (no pair can agree on them, so they never weigh anything).
    """
    present = values.dropna()
    counts = present.value_counts(sort=False)
    n = max(len(present), 1)
    tf = (np.maximum(counts.to_numpy(dtype=float) - 2, 0) + unseen) / n
    return pd.DataFrame({column: counts.index.astype(str), f"tf_{column}": tf})
