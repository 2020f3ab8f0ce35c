"""Acceptance threshold calibrated from the model's posterior, on hand-made score distributions."""

import numpy as np
import pytest

from ctkit.errors import ValidationError
from ctkit.share.link.calibrate import calibrated_threshold, expected_precision

# 100 near-certain pairs, 10 likely, 5 coin flips, 50 unlikely. Expected precision of accepting down to each:
# 0.999; (99.9 + 9.5) / 110 = 0.99455; (109.4 + 2.5) / 115 = 0.97304; (111.9 + 5) / 165 = 0.70848.
SCORES = np.array([0.999] * 100 + [0.95] * 10 + [0.5] * 5 + [0.1] * 50)


def test_expected_precision_is_the_running_mean_per_distinct_threshold():
    thresholds, precision = expected_precision(np.random.default_rng(3).permutation(SCORES))
    assert thresholds.tolist() == [0.999, 0.95, 0.5, 0.1]
    assert precision == pytest.approx([0.999, 109.4 / 110, 111.9 / 115, 116.9 / 165], abs=1e-12)


@pytest.mark.parametrize(
    ("target", "threshold"),
    [(0.995, 0.999), (0.99, 0.95), (0.97, 0.5), (0.7, 0.1), (0.9995, 1.0)],
)
def test_threshold_is_the_lowest_that_keeps_the_target(target, threshold):
    assert calibrated_threshold(SCORES, target) == threshold


def test_larger_register_same_evidence_gets_a_lower_threshold():
    """The shift a fixed threshold misses: with many more near-certain pairs, weaker ones can be accepted."""
    small = np.array([0.999] * 100 + [0.9] * 20)
    large = np.array([0.999] * 10_000 + [0.9] * 20)
    assert calibrated_threshold(small, 0.99) == 0.999
    assert calibrated_threshold(large, 0.99) == 0.9


def test_a_tie_at_the_cut_is_never_split():
    assert calibrated_threshold([0.98, 0.98, 0.98], 0.99) == 1.0
    assert calibrated_threshold([1.0, 0.98, 0.98], 0.99) == 1.0
    assert calibrated_threshold([1.0, 1.0, 1.0, 0.98, 0.98], 0.99) == 0.98  # (3 + 1.96) / 5 = 0.992


def test_nothing_to_accept_and_bad_input():
    assert calibrated_threshold([], 0.99) == 1.0
    for target in (0, 1, 1.5):
        with pytest.raises(ValidationError, match="target precision"):
            calibrated_threshold(SCORES, target)
    with pytest.raises(ValidationError, match=r"\[0, 1\]"):
        calibrated_threshold([0.5, float("nan")], 0.9)
