"""Linkage pipeline: train the Fellegi-Sunter model by EM, score candidate pairs, cluster into linked persons.

Input is the output of :func:`ctkit.share.link.model.prepare_records` (all lists concatenated). Pairs at or above
``accept`` probability (calibrated per data set for a target precision unless given) are links; pairs between
``review`` and ``accept`` go to a case worker (:mod:`ctkit.share.link.review`); clusters are the connected
components of the accepted links.

Example:
    >>> # records = prepare_records(frame); params = train(records, DuckDBEngine(), seed=1)
    >>> # result = link(records, params, DuckDBEngine())
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ctkit.errors import NotFoundError, ValidationError
from ctkit.share.link.calibrate import calibrated_threshold
from ctkit.share.link.engine import DuckDBEngine, LinkEngine
from ctkit.share.link.model import person_settings
from ctkit.share.link.params import (
    TrainedParameters,
    clamp_probabilities,
    extract_parameters,
    settings_with_parameters,
)  # fmt: skip

__all__ = ["LinkResult", "MODEL_NAME", "cluster_pairs", "link", "pair_id", "predict", "train"]

MODEL_NAME = "ctkit-person-v2"  # v2: names term-frequency adjusted, place nested in nationality
PAIR_COLUMNS = ["pair_id", "unique_id_l", "unique_id_r", "match_weight", "match_probability"]


def _linker(records: pd.DataFrame, settings, engine: LinkEngine):
    from splink import Linker

    db_api = engine.db_api()
    return Linker(engine.table(db_api, records, "records"), settings, log_level=None)


def train(
    records: pd.DataFrame,
    engine: LinkEngine | None = None,
    *,
    seed: int = 1,
    u_max_pairs: float = 1e6,
    em_max_pairs: float | None = 2e6,
) -> TrainedParameters:
    """Estimate lambda (deterministic rules), u (random sampling) and m (EM, two blocking passes).

    Each EM pass blocks on some fields and so learns the m of the others: blocking on the birth date trains the
    name, sex and origin levels, blocking on the name keys and place trains the birth date and sex levels.
    Raises ``ValidationError`` on fewer than 10 records (EM has nothing to learn from).
    """
    from splink import block_on

    if len(records) < 10:
        raise ValidationError("need at least 10 records to train a linkage model")
    engine = engine or DuckDBEngine()
    linker = _linker(records, person_settings(), engine)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_key", "last_key", "birth_date")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    # The second pass blocks on the place too: nationality and place go with the names (namesakes share a locale),
    # so with origin free in a name-blocked pass EM took "same origin" for "same person" (place m fell to 0.3).
    for rule in (block_on("birth_date"), block_on("first_key", "last_key", "place_key")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=em_max_pairs)
        except ValueError as exc:  # Splink's own check on an m or u that underflowed during EM
            raise ValidationError(
                "EM training failed: a comparison level never occurs among likely matches in this data",
                hint="train on more records, or pass parameters trained elsewhere",
            ) from exc
        # EM can leave a level it never saw at m = 0, which Splink then refuses as a starting value: carry the
        # model to a fresh linker through its settings, clamped, before the next pass.
        linker = _linker(records, clamp_probabilities(linker.misc.save_model_to_json()), engine)
    return extract_parameters(linker.misc.save_model_to_json(), MODEL_NAME)


def pair_id(left: str, right: str) -> str:
    """Stable opaque id of an unordered record pair (no personal data: it hashes record ids only)."""
    a, b = sorted((left, right))
    return hashlib.sha256(f"{a}\x1f{b}".encode()).hexdigest()[:20]


def predict(
    records: pd.DataFrame, params: TrainedParameters, engine: LinkEngine | None = None, *, review: float = 0.5
) -> pd.DataFrame:
    """Scored candidate pairs with ``match_probability >= review``: ``PAIR_COLUMNS`` and, per comparison, its
    match weight ``mw_<comparison>`` (and ``mw_tf_adj_<comparison>`` where term frequencies adjust it)."""
    if params.model != MODEL_NAME:
        raise ValidationError(f"parameters are for model '{params.model}', expected '{MODEL_NAME}'")
    engine = engine or DuckDBEngine()
    settings = settings_with_parameters(person_settings(), engine.dialect, params)
    settings["retain_intermediate_calculation_columns"] = True  # for the mw_* columns: the reviewer's evidence
    linker = _linker(records, settings, engine)
    scored = linker.inference.predict(threshold_match_probability=review).as_pandas_dataframe()
    weights = [c for c in scored.columns if c.startswith("mw_")]  # weight per comparison: numbers, no values
    pairs = scored[["unique_id_l", "unique_id_r", "match_weight", "match_probability", *weights]].copy()
    pairs.insert(0, "pair_id", [pair_id(a, b) for a, b in zip(pairs.unique_id_l, pairs.unique_id_r, strict=True)])
    return pairs.sort_values("pair_id", ignore_index=True)


def cluster_pairs(unique_ids: pd.Series, links: pd.DataFrame) -> pd.DataFrame:
    """Connected components of ``links`` (``unique_id_l``, ``unique_id_r``, ``match_weight``) over all records.

    Returns ``unique_id``, ``person_id`` (the smallest member id: stable and opaque) and ``cluster_weight`` (the
    weakest accepted link in the person's cluster; NaN for a record linked to nobody).
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ids = pd.Index(pd.unique(unique_ids))
    left, right = ids.get_indexer(links["unique_id_l"]), ids.get_indexer(links["unique_id_r"])
    if (left < 0).any() or (right < 0).any():
        raise ValidationError("a link names a record that is not in the input")
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(len(ids), len(ids)))
    _, labels = connected_components(graph, directed=False)
    frame = pd.DataFrame({"unique_id": ids, "label": labels})
    frame["person_id"] = frame.groupby("label")["unique_id"].transform("min")
    weakest = pd.Series(links["match_weight"].to_numpy(), index=labels[left]).groupby(level=0).min()
    frame["cluster_weight"] = frame["label"].map(weakest)
    return frame.drop(columns="label")


@dataclass(frozen=True)
class LinkResult:
    """Scored pairs, thresholds, reviewer decisions and the clusters they give."""

    records: pd.DataFrame = field(repr=False)
    pairs: pd.DataFrame = field(repr=False)
    accept: float
    review: float
    decisions: dict[str, bool] = field(default_factory=dict)

    def links(self) -> pd.DataFrame:
        """Pairs treated as the same person: above ``accept`` or accepted by a reviewer, never rejected ones."""
        decided = self.pairs["pair_id"].map(self.decisions)
        keep = (self.pairs["match_probability"] >= self.accept) & (decided != False)  # noqa: E712 - NaN stays
        return self.pairs[keep | (decided == True)]  # noqa: E712

    def uncertain(self) -> pd.DataFrame:
        """Pairs between ``review`` and ``accept`` with no decision yet, strongest first."""
        band = (self.pairs["match_probability"] < self.accept) & ~self.pairs["pair_id"].isin(self.decisions)
        return self.pairs[band].sort_values("match_weight", ascending=False, ignore_index=True)

    def clusters(self) -> pd.DataFrame:
        """One row per record: ``unique_id``, ``list``, ``person_id``, ``cluster_weight``."""
        clusters = cluster_pairs(self.records["unique_id"], self.links())
        return clusters.merge(self.records[["unique_id", "list"]], on="unique_id", how="left")

    def with_decisions(self, decisions: dict[str, bool]) -> LinkResult:
        return replace(self, decisions={**self.decisions, **decisions})

    def save(self, folder: Path) -> None:
        """Write pairs, record ids with their list (no names) and thresholds, for a later review session."""
        folder.mkdir(parents=True, exist_ok=True)
        self.pairs.to_parquet(folder / "pairs.parquet", index=False)
        self.records[["unique_id", "list"]].to_parquet(folder / "records.parquet", index=False)
        (folder / "thresholds.json").write_text(json.dumps({"accept": self.accept, "review": self.review}))

    @classmethod
    def load(cls, folder: Path) -> LinkResult:
        """Read what :meth:`save` wrote; raises ``NotFoundError`` when the folder holds no link result."""
        try:
            thresholds = json.loads((folder / "thresholds.json").read_text())
            pairs = pd.read_parquet(folder / "pairs.parquet")
            records = pd.read_parquet(folder / "records.parquet")
        except (OSError, ValueError) as exc:
            raise NotFoundError("no saved link result in this folder") from exc
        return cls(records=records, pairs=pairs, accept=thresholds["accept"], review=thresholds["review"])


def link(
    records: pd.DataFrame,
    params: TrainedParameters,
    engine: LinkEngine | None = None,
    *,
    accept: float | None = None,
    review: float = 0.5,
    target_precision: float = 0.99,
) -> LinkResult:
    """Score and threshold ``records`` (from ``prepare_records``) with trained ``params``.

    With ``accept`` left out, the acceptance threshold is calibrated on this data set: the lowest one at which
    the model expects ``target_precision`` of the accepted pairs to be true matches
    (:func:`ctkit.share.link.calibrate.calibrated_threshold`). A fixed probability threshold does not carry
    across register sizes, since the prior falls as the register grows. Never below ``review``.
    """
    if not 0 < review <= 1 or (accept is not None and not review <= accept <= 1):
        raise ValidationError("thresholds must satisfy 0 < review <= accept <= 1")
    pairs = predict(records, params, engine, review=review)
    if accept is None:
        accept = max(review, calibrated_threshold(pairs["match_probability"], target_precision))
    return LinkResult(records=records, pairs=pairs, accept=accept, review=review)
