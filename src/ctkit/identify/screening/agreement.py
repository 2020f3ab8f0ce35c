"""Agreement statistics for training: Cohen's kappa between two raters over the same items."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ctkit.errors import ValidationError


def cohen_kappa(rater_a: Sequence[str], rater_b: Sequence[str]) -> float:
    """Cohen's kappa, (p_o - p_e) / (1 - p_e), for two raters' categorical labels of the same items.

    p_o is the observed share of agreement, p_e the agreement expected by chance from each rater's marginal
    shares. Returns 1.0 when both raters put every item in one and the same category (p_e = 1, perfect
    agreement). Raises ValidationError for empty or unequal-length inputs.
    Example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> p_o = 0.7, p_e = 0.5, kappa = 0.4.
    """
    if len(rater_a) != len(rater_b):
        raise ValidationError(f"cohen_kappa: raters labelled {len(rater_a)} and {len(rater_b)} items")
    n = len(rater_a)
    if n == 0:
        raise ValidationError("cohen_kappa: no items")
    observed = sum(1 for a, b in zip(rater_a, rater_b, strict=True) if a == b) / n
    count_a, count_b = Counter(rater_a), Counter(rater_b)
    expected = sum(count_a[c] * count_b[c] for c in count_a) / (n * n)
    if expected == 1.0:
        return 1.0
    return (observed - expected) / (1.0 - expected)
