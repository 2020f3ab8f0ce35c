"""Disclosure control: a brute-force oracle on hypothesis-generated tables, margins, differencing, bad k."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctkit.errors import DisclosureError
from ctkit.share.disclosure import TOTAL, DisclosurePolicy, protect_table

DIMS = ["a", "b", "c"]


@st.composite
def microdata(draw):
    n_dims = draw(st.integers(1, 3))
    dims = DIMS[:n_dims]
    rows = draw(st.lists(st.tuples(*[st.sampled_from("xyz") for _ in dims]), min_size=0, max_size=120))
    k = draw(st.integers(2, 6))
    return dims, rows, k


def oracle(dims: list[str], rows: list[tuple], k: int) -> dict[tuple, int | None]:
    """Brute force: every cell present in the data, then every margin summed from the published cells."""
    counts = Counter(rows)
    cells = {cell: (None if n < k else n // k * k) for cell, n in counts.items()}
    expected = dict(cells)
    for size in range(len(dims)):
        for kept in combinations(range(len(dims)), size):
            groups: dict[tuple, list] = {}
            for cell, value in cells.items():
                key = tuple(cell[i] if i in kept else TOTAL for i in range(len(dims)))
                groups.setdefault(key, []).append(value)
            for key, values in groups.items():
                shown = [v for v in values if v is not None]
                expected[key] = sum(shown) if shown else None
    return expected


def published(dims: list[str], rows: list[tuple], k: int) -> dict[tuple, int | None]:
    frame = pd.DataFrame(rows, columns=dims)
    table = DisclosurePolicy(k=k).protect_records(frame, dims, margins=True)
    return {tuple(r[d] for d in dims): (None if pd.isna(r["count"]) else int(r["count"])) for _, r in table.iterrows()}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(microdata())
def test_protected_table_matches_the_brute_force_oracle(case):
    dims, rows, k = case
    if not rows:
        return
    got = published(dims, rows, k)
    assert got == oracle(dims, rows, k)
    for value in got.values():
        assert value is None or (value % k == 0 and value >= k)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(microdata())
def test_margins_leave_nothing_to_subtract(case):
    """Every margin equals the sum of its published cells: subtracting recovers no suppressed cell."""
    dims, rows, k = case
    if not rows:
        return
    got = published(dims, rows, k)
    cells = {key: v for key, v in got.items() if TOTAL not in key}
    for key, margin in got.items():
        if TOTAL not in key:
            continue
        children = [v for c, v in cells.items() if all(m == TOTAL or m == x for m, x in zip(key, c, strict=True))]
        assert (margin or 0) == sum(v for v in children if v is not None)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(microdata(), st.data())
def test_two_releases_differing_by_one_person(case, data):
    """Differencing: adding one person changes published numbers only by multiples of k, changes no cell the
    person is not in, and changes nothing at all while the person's cell stays under k."""
    dims, rows, k = case
    person = data.draw(st.tuples(*[st.sampled_from("xyz") for _ in dims]))
    before, after = published(dims, rows, k) if rows else {}, published(dims, [*rows, person], k)
    for key, value in after.items():
        old = before.get(key)
        assert ((value or 0) - (old or 0)) % k == 0
        in_cell = all(m == TOTAL or m == x for m, x in zip(key, person, strict=True))
        if not in_cell:
            assert value == old
    if Counter([*rows, person])[person] < k:
        assert {key: v for key, v in after.items() if v is not None} == {
            key: v for key, v in before.items() if v is not None
        }


@pytest.mark.parametrize("k", [1, 0, -3, True, 2.5])
def test_k_below_two_is_refused_with_a_clear_message(k):
    with pytest.raises(DisclosureError, match="at least 2"):
        DisclosurePolicy(k=k)


def test_more_than_three_attributes_is_refused():
    frame = pd.DataFrame({"a": [1], "b": [1], "c": [1], "d": [1], "count": [50]})
    with pytest.raises(DisclosureError, match="at most 3"):
        protect_table(frame, ["a", "b", "c", "d"])


def test_small_cells_are_missing_not_zero():
    frame = pd.DataFrame({"sex": ["f", "m"], "count": [27, 9]})
    out = protect_table(frame, ["sex"], k=10)
    assert out["count"].tolist()[0] == 20
    assert pd.isna(out["count"].tolist()[1]) and out["suppressed"].tolist() == [False, True]


def test_rare_places_are_not_shown():
    policy = DisclosurePolicy(k=10)
    table = pd.DataFrame({"origin": ["RUS", "LTU", None], "destination": ["POL", "POL", "DEU"], "count": [30, 20, 10]})
    kept = policy.drop_rare_places(table, ["origin", "destination"], {"RUS": 40, "LTU": 9, "POL": 50, "DEU": 12})
    assert kept["origin"].tolist()[0] == "RUS" and "LTU" not in kept["origin"].tolist() and len(kept) == 2


def test_missing_column_is_a_clear_error():
    with pytest.raises(DisclosureError, match="no column"):
        protect_table(pd.DataFrame({"x": [1]}), ["sex"])
