"""Persons from pairwise links: connected components, split where a chain joins records the model tells apart.

Connected components are transitive: A-B and B-C links make A and C one person even when the model is sure A and
C are different people (two namesakes each linked to a record with a missing birth date). So a component that
holds a *cannot-link* pair (a pair the model doubts, or one a reviewer rejected) is rebuilt link by link,
strongest first, and a link is skipped when it would join two groups across a cannot-link pair that the model is
surer is a non-match than it is sure the link is a match: pair probability below one minus the link's
probability. The two pieces of evidence contradict each other, and the stronger one wins; a rejected pair always
wins. Links marked ``forced`` (accepted by a reviewer) are applied first and never skipped.

Example:
    >>> links = pd.DataFrame({"unique_id_l": ["a", "b"], "unique_id_r": ["b", "c"], "match_weight": [9.0, 4.0]})
    >>> no = pd.DataFrame({"unique_id_l": ["a"], "unique_id_r": ["c"], "match_probability": [0.001]})
    >>> cluster_pairs(pd.Series(["a", "b", "c"]), links, no)["person_id"].tolist()
    ['a', 'a', 'c']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ctkit.errors import ValidationError

__all__ = ["cluster_pairs", "components"]


def components(ids: pd.Index, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component label of each of ``ids`` given edges as positions ``left``-``right``."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(len(ids), len(ids)))
    return connected_components(graph, directed=False)[1]


def _positions(ids: pd.Index, frame: pd.DataFrame, what: str) -> tuple[np.ndarray, np.ndarray]:
    left, right = ids.get_indexer(frame["unique_id_l"]), ids.get_indexer(frame["unique_id_r"])
    if (left < 0).any() or (right < 0).any():
        raise ValidationError(f"{what} names a record that is not in the input")
    return left, right


def _split(labels: np.ndarray, left, right, weights, forced, cannot: dict[int, dict[int, float]],
           todo: np.ndarray) -> None:  # fmt: skip
    """Rebuild the components in ``todo`` with union-find, refusing a merge across a cannot-link pair whose
    probability is below one minus the merging link's (in place)."""
    parent: dict[int, int] = {}
    members: dict[int, list[int]] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    in_todo = np.isin(labels[left], todo)
    order = np.lexsort((-weights[in_todo], ~forced[in_todo]))  # forced first, then strongest
    doubt = 1 / (1 + np.exp2(weights[in_todo][order]))  # 1 - the link's probability (weight: log2 odds)
    for a, b, force, bound in zip(left[in_todo][order], right[in_todo][order], forced[in_todo][order], doubt,
                                  strict=True):  # fmt: skip
        ra, rb = find(int(a)), find(int(b))
        if ra == rb:
            continue
        small, big = sorted((ra, rb), key=lambda r: len(members.get(r, [r])))
        group = members.get(small, [small])
        if not force and any(q < bound and find(v) == big for m in group for v, q in cannot.get(m, {}).items()):
            continue
        parent[small] = big
        members[big] = members.get(big, [big]) + group
        members.pop(small, None)
    base = labels.max() + 1
    for x in np.flatnonzero(np.isin(labels, todo)):
        labels[x] = base + find(int(x))


def cluster_pairs(unique_ids: pd.Series, links: pd.DataFrame, cannot_link: pd.DataFrame | None = None) -> pd.DataFrame:
    """Persons over all records from ``links`` (``unique_id_l``, ``unique_id_r``, ``match_weight`` as Splink's
    log2 posterior odds, optional boolean ``forced``), never joining a ``cannot_link`` pair (optional
    ``match_probability``; without it, or NaN, 0: a pair that always wins) through a model link less sure of
    the match than the pair is of the non-match.

    Returns ``unique_id``, ``person_id`` (the smallest member id: stable and opaque) and ``cluster_weight`` (the
    weakest link inside the person; NaN for a record linked to nobody). Raises ``ValidationError`` when a link
    names a record that is not in ``unique_ids``.
    """
    ids = pd.Index(pd.unique(unique_ids))
    left, right = _positions(ids, links, "a link")
    labels = components(ids, left, right)
    if cannot_link is not None and len(cannot_link):
        cl_left, cl_right = _positions(ids, cannot_link, "a cannot-link pair")
        inside = labels[cl_left] == labels[cl_right]
        if inside.any():
            probability = (cannot_link["match_probability"].fillna(0.0).to_numpy(float)
                           if "match_probability" in cannot_link.columns else np.zeros(len(cannot_link)))  # fmt: skip
            cannot: dict[int, dict[int, float]] = {}
            for a, b, q in zip(cl_left[inside], cl_right[inside], probability[inside], strict=True):
                for x, y in ((int(a), int(b)), (int(b), int(a))):  # the lowest where a pair is given twice
                    cannot.setdefault(x, {})[y] = min(q, cannot.get(x, {}).get(y, 1.0))
            forced = links["forced"].to_numpy(bool) if "forced" in links.columns else np.zeros(len(links), bool)
            weights = links["match_weight"].to_numpy(float)
            _split(labels, left, right, weights, forced, cannot, np.unique(labels[cl_left[inside]]))
    frame = pd.DataFrame({"unique_id": ids, "label": labels})
    frame["person_id"] = frame.groupby("label")["unique_id"].transform("min")
    within = labels[left] == labels[right]
    weakest = pd.Series(links["match_weight"].to_numpy()[within], index=labels[left][within]).groupby(level=0).min()
    frame["cluster_weight"] = frame["label"].map(weakest)
    return frame.drop(columns="label")
