"""A frequency attack on our own encodings, run by the release test to show the hardening holds.

The attacker holds the encoding file (as the hub does) and a frequency list of the plaintext values (names),
but not the key. Deterministic encodings of frequent names repeat, so the attacker ranks the distinct encodings
by how often they occur and the names by their frequency, and labels the i-th most frequent encoding with the
i-th most frequent name (frequency alignment, the attack that breaks unsalted Bloom-filter encodings of
names). Singleton encodings get no guess: nothing ranks them. The success measure is the share of *all* records
whose guessed name is their true name.

Example:
    >>> import pandas as pd
    >>> words = pd.DataFrame({"w0": [1, 1, 1, 2, 2, 3]})
    >>> public = pd.DataFrame({"name": ["anna", "olga"], "share": [0.6, 0.3]})
    >>> frequency_alignment_attack(words, public).tolist()
    ['anna', 'anna', 'anna', 'olga', 'olga', None]
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["frequency_alignment_attack", "reidentification_rate"]


def frequency_alignment_attack(words: pd.DataFrame, public: pd.DataFrame) -> pd.Series:
    """One guessed name per encoding row (None where the attacker cannot guess).

    ``words`` holds the encodings (only the ``w*`` columns are read); ``public`` has ``name`` and ``share``.
    Ties in group size are broken by the encoding bits, so the result is deterministic.
    """
    cols = [c for c in words.columns if c.startswith("w")]
    groups = words[cols].groupby(cols, sort=True).ngroup()
    sizes = groups.value_counts()
    repeated = sizes[sizes >= 2].sort_values(ascending=False, kind="stable")
    names = public.sort_values("share", ascending=False, kind="stable")["name"].tolist()
    label = {group: names[rank] for rank, group in enumerate(repeated.index) if rank < len(names)}
    return groups.map(label).astype(object).where(groups.isin(label.keys()), None)


def reidentification_rate(guesses: pd.Series, truth: Sequence[str]) -> float:
    """Share of records whose guess equals the true name (a record without a guess counts as safe)."""
    truth = pd.Series(list(truth), index=guesses.index)
    return float((guesses.notna() & (guesses == truth)).mean()) if len(truth) else 0.0
