"""Linkage pipeline: train the Fellegi-Sunter model by EM, score candidate pairs, cluster into linked persons.

Input is the output of :func:`ctkit.share.link.model.prepare_records` (all lists concatenated). Pairs at or above
``accept`` probability (calibrated per data set for a target precision unless given) are links; pairs between
``review`` and ``accept`` go to a case worker (:mod:`ctkit.share.link.review`); persons are the connected
components of the accepted links, split where a chain of links joins two records the model is confident are
different people (:mod:`ctkit.share.link.cluster`).

Example:
    >>> # records = prepare_records(frame); params = train(records, DuckDBEngine(), seed=1)
    >>> # result = link(records, params, DuckDBEngine())
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from ctkit.errors import NotFoundError, ValidationError
from ctkit.share.link.calibrate import calibrated_threshold
from ctkit.share.link.cluster import cluster_pairs, components
from ctkit.share.link.engine import DuckDBEngine, LinkEngine
from ctkit.share.link.frequencies import leave_pair_out_frequencies
from ctkit.share.link.model import OPTIONAL_COMPARISONS, TF_COLUMNS, optional_comparisons, person_settings
from ctkit.share.link.namesakes import u_among_namesakes
from ctkit.share.link.params import (
    TrainedParameters,
    clamp_probabilities,
    extract_parameters,
    settings_with_parameters,
)  # fmt: skip

__all__ = ["LinkResult", "MODEL_NAME", "cannot_link_pairs", "cluster_pairs", "link", "pair_id", "predict", "train"]

# v2: names term-frequency adjusted, place nested in nationality; v3: a birth date level for one part out of three,
# one level for equal name keys
MODEL_NAME = "ctkit-person-v3"
_PRIOR_RULE_RECALL = 0.8  # Splink's estimate of lambda assumes its rule finds this share of true pairs
PAIR_COLUMNS = ["pair_id", "unique_id_l", "unique_id_r", "match_weight", "match_probability"]


def _linker(records: pd.DataFrame, settings, engine: LinkEngine, *, term_frequencies: bool = False):
    """A Splink linker over ``records``; with ``term_frequencies`` the lookups of ``TF_COLUMNS`` are registered,
    counted without the pair they weigh (:func:`~ctkit.share.link.frequencies.leave_pair_out_frequencies`)."""
    from splink import Linker

    db_api = engine.db_api()
    linker = Linker(engine.table(db_api, records, "records"), settings, log_level=None)
    for column in TF_COLUMNS if term_frequencies else ():
        if column in records.columns:
            lookup = engine.table(db_api, leave_pair_out_frequencies(records[column], column), f"tf_{column}")
            linker.table_management.register_term_frequency_lookup(lookup, column)
    return linker


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
    name, sex and origin levels, blocking on the name keys and place trains the birth date and sex levels (and
    both train the patronymic and document levels where the records carry them: see
    :func:`~ctkit.share.link.model.optional_comparisons`). Raises ``ValidationError`` on fewer than 10 records
    (EM has nothing to learn from).
    """
    from splink import block_on

    if len(records) < 10:
        raise ValidationError("need at least 10 records to train a linkage model")
    engine = engine or DuckDBEngine()
    creator = person_settings(optional_comparisons(records))
    linker = _linker(records, creator, engine)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_key", "last_key", "birth_date")], recall=_PRIOR_RULE_RECALL
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
    trained = extract_parameters(linker.misc.save_model_to_json(), MODEL_NAME)
    return u_among_namesakes(records, _prior_for_trained_recall(trained, records), creator, seed=seed)


def _prior_for_trained_recall(params: TrainedParameters, records: pd.DataFrame) -> TrainedParameters:
    """Lambda counted from the pairs the prior's rule finds (name keys and birth date equal), divided by the
    share of true pairs that rule finds as the trained model sees it rather than as assumed before training.

    That share is the chance that both records carry a name and a birth date times the m of "name keys equal"
    and of an exact birth date (recording errors are independent between two records). An assumed 0.8 was
    about 0.6 in fact on generated registers (a quarter of true pairs spell the name with another key, a tenth
    miss or mistype a birth date), which put lambda a quarter too low and every pair's probability with it.
    """
    m_name = _trained_m(params, "name", "name keys equal")
    m_birth = _trained_m(params, "birth_date", "Exact match on birth_date")
    if not (m_name and m_birth):
        return params
    present = (records["full_key"].notna().mean() * records["birth_date"].notna().mean()) ** 2
    recall = float(np.clip(present * m_name * m_birth, 0.05, 1.0))
    return replace(params, lambda_=min(params.lambda_ * _PRIOR_RULE_RECALL / recall, 0.5))


def _trained_m(params: TrainedParameters, comparison: str, label: str) -> float | None:
    return next((m for name, m, _ in params.levels.get(comparison, []) if name == label), None)


def _optional(params: TrainedParameters) -> tuple[str, ...]:
    return tuple(name for name in OPTIONAL_COMPARISONS if name in params.levels)


def pair_id(left: str, right: str) -> str:
    """Stable opaque id of an unordered record pair (no personal data: it hashes record ids only)."""
    a, b = sorted((left, right))
    return hashlib.sha256(f"{a}\x1f{b}".encode()).hexdigest()[:20]


def predict(
    records: pd.DataFrame, params: TrainedParameters, engine: LinkEngine | None = None, *, review: float = 0.5
) -> pd.DataFrame:
    """Scored candidate pairs with ``match_probability >= review``: ``PAIR_COLUMNS`` and, per comparison, its
    match weight ``mw_<comparison>`` (and ``mw_tf_adj_<comparison>`` where term frequencies adjust it)."""
    return _score(records, params, engine or DuckDBEngine(), review)


def _score(records: pd.DataFrame, params: TrainedParameters, engine: LinkEngine, review: float,
           blocking: str | None = None) -> pd.DataFrame:  # fmt: skip
    if params.model != MODEL_NAME:
        raise ValidationError(f"parameters are for model '{params.model}', expected '{MODEL_NAME}'")
    settings = settings_with_parameters(person_settings(_optional(params)), engine.dialect, params)
    settings["retain_intermediate_calculation_columns"] = True  # for the mw_* columns: the reviewer's evidence
    if blocking is not None:
        rule = {"blocking_rule": blocking, "sql_dialect": engine.dialect}
        settings["blocking_rules_to_generate_predictions"] = [rule]
    linker = _linker(records, settings, engine, term_frequencies=True)
    scored = linker.inference.predict(threshold_match_probability=review).as_pandas_dataframe()
    weights = [c for c in scored.columns if c.startswith("mw_")]  # weight per comparison: numbers, no values
    pairs = scored[["unique_id_l", "unique_id_r", "match_weight", "match_probability", *weights]].copy()
    pairs.insert(0, "pair_id", [pair_id(a, b) for a, b in zip(pairs.unique_id_l, pairs.unique_id_r, strict=True)])
    return pairs.sort_values("pair_id", ignore_index=True)


def cannot_link_pairs(
    records: pd.DataFrame, pairs: pd.DataFrame, params: TrainedParameters, engine: LinkEngine, *, accept: float,
    below: float,
) -> pd.DataFrame:  # fmt: skip
    """Pairs inside the persons the links at ``accept`` form whose match probability is below ``below``.

    Only pairs inside a component of three or more records can be joined without a link of their own, and most
    of them were never put up by the blocking rules, so they are scored here with the same parameters: the
    records carry their component as a blocking key (the term frequencies still come from every record).
    Returns ``unique_id_l``, ``unique_id_r``, ``match_probability``.
    """
    links = pairs[pairs["match_probability"] >= accept]
    ids = pd.Index(records["unique_id"])
    labels = components(ids, ids.get_indexer(links["unique_id_l"]), ids.get_indexer(links["unique_id_r"]))
    sizes = np.bincount(labels)
    key = pd.Series(labels.astype(str), index=records.index).where(sizes[labels] >= 3, None)
    empty = pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_probability"])
    if key.isna().all():
        return empty
    scored = _score(records.assign(cluster_key=key), params, engine, 0.0, "l.cluster_key = r.cluster_key")
    found = scored[scored["match_probability"] < below]
    return found[["unique_id_l", "unique_id_r", "match_probability"]].reset_index(drop=True) if len(found) else empty


@dataclass(frozen=True)
class LinkResult:
    """Scored pairs, thresholds, reviewer decisions and the clusters they give."""

    records: pd.DataFrame = field(repr=False)
    pairs: pd.DataFrame = field(repr=False)
    accept: float
    review: float
    decisions: dict[str, bool] = field(default_factory=dict)
    cannot_link: pd.DataFrame | None = field(default=None, repr=False)

    def _threshold_links(self) -> pd.DataFrame:
        decided = self.pairs["pair_id"].map(self.decisions)
        keep = (self.pairs["match_probability"] >= self.accept) & (decided != False)  # noqa: E712 - NaN stays
        return self.pairs[keep | (decided == True)]  # noqa: E712

    @cached_property
    def _persons(self) -> tuple[pd.DataFrame, pd.Index]:
        """Clusters of the threshold links split across cannot-link pairs, and the links the split held back."""
        links = self._threshold_links()
        links = links.assign(forced=links["pair_id"].map(self.decisions).eq(True).to_numpy())
        rejected = self.pairs[self.pairs["pair_id"].map(self.decisions).eq(False)].assign(match_probability=0.0)
        cannot = [f[["unique_id_l", "unique_id_r", "match_probability"]]
                  for f in (self.cannot_link, rejected) if f is not None and len(f)]  # fmt: skip
        clusters = cluster_pairs(self.records["unique_id"], links, pd.concat(cannot) if cannot else None)
        person = pd.Series(clusters["person_id"].to_numpy(), index=clusters["unique_id"].to_numpy())
        across = person[links["unique_id_l"]].to_numpy() != person[links["unique_id_r"]].to_numpy()
        return clusters, pd.Index(links["pair_id"][across])

    def held_back(self) -> pd.DataFrame:
        """Pairs above ``accept`` that would chain two records the model tells apart into one person: not links,
        but pairs for a reviewer (in :meth:`uncertain`), strongest first."""
        held = self.pairs[self.pairs["pair_id"].isin(self._persons[1])]
        return held.sort_values("match_weight", ascending=False, ignore_index=True)

    def links(self) -> pd.DataFrame:
        """Pairs treated as the same person: above ``accept`` or accepted by a reviewer, never rejected ones,
        less those :meth:`held_back`. Their connected components are :meth:`clusters`."""
        links = self._threshold_links()
        return links[~links["pair_id"].isin(self._persons[1])]

    def uncertain(self) -> pd.DataFrame:
        """Pairs between ``review`` and ``accept`` with no decision yet, and those held back, strongest first."""
        band = (self.pairs["match_probability"] < self.accept) & ~self.pairs["pair_id"].isin(self.decisions)
        band |= self.pairs["pair_id"].isin(self._persons[1])
        return self.pairs[band].sort_values("match_weight", ascending=False, ignore_index=True)

    def clusters(self) -> pd.DataFrame:
        """One row per record: ``unique_id``, ``list``, ``person_id``, ``cluster_weight``.

        Persons are the threshold links' connected components, split across the model's cannot-link pairs and the
        pairs reviewers rejected; a link a reviewer accepted is never split
        (:func:`~ctkit.share.link.cluster.cluster_pairs`).
        """
        clusters = self._persons[0]
        return clusters.merge(self.records[["unique_id", "list"]], on="unique_id", how="left")

    def with_decisions(self, decisions: dict[str, bool]) -> LinkResult:
        return replace(self, decisions={**self.decisions, **decisions})

    def save(self, folder: Path) -> None:
        """Write pairs, record ids with their list (no names) and thresholds, for a later review session."""
        folder.mkdir(parents=True, exist_ok=True)
        self.pairs.to_parquet(folder / "pairs.parquet", index=False)
        self.records[["unique_id", "list"]].to_parquet(folder / "records.parquet", index=False)
        (folder / "thresholds.json").write_text(json.dumps({"accept": self.accept, "review": self.review}))
        if self.cannot_link is not None:
            self.cannot_link.to_parquet(folder / "cannot_link.parquet", index=False)

    @classmethod
    def load(cls, folder: Path) -> LinkResult:
        """Read what :meth:`save` wrote; raises ``NotFoundError`` when the folder holds no link result."""
        try:
            thresholds = json.loads((folder / "thresholds.json").read_text())
            pairs = pd.read_parquet(folder / "pairs.parquet")
            records = pd.read_parquet(folder / "records.parquet")
            cannot = folder / "cannot_link.parquet"  # absent in results saved before persons were split
            cannot_link = pd.read_parquet(cannot) if cannot.exists() else None
        except (OSError, ValueError) as exc:
            raise NotFoundError("no saved link result in this folder") from exc
        return cls(records=records, pairs=pairs, accept=thresholds["accept"], review=thresholds["review"],
                   cannot_link=cannot_link)  # fmt: skip


def link(
    records: pd.DataFrame,
    params: TrainedParameters,
    engine: LinkEngine | None = None,
    *,
    accept: float | None = None,
    review: float = 0.5,
    target_precision: float = 0.99,
    split: bool = True,
) -> LinkResult:
    """Score and threshold ``records`` (from ``prepare_records``) with trained ``params``.

    With ``accept`` left out, the acceptance threshold is calibrated on this data set: the lowest one at which
    the model expects ``target_precision`` of the accepted pairs to be true matches
    (:func:`ctkit.share.link.calibrate.calibrated_threshold`). A fixed probability threshold does not carry
    across register sizes, since the prior falls as the register grows. Never below ``review``.

    With ``split`` (the default) a person is never formed by chaining links across a pair the model is surer
    is a non-match than the chaining link is sure of its match
    (:func:`~ctkit.share.link.cluster.cluster_pairs`): the pairs inside persons below ``1 - accept`` are scored
    for that (no link is less sure than ``accept``). A fixed bound of ``1 - target_precision`` left persons'
    precision below the target at 100k records and more: chains still joined namesakes whose own pair the model
    scored 0.01 to 0.4.
    """
    if not 0 < review <= 1 or (accept is not None and not review <= accept <= 1):
        raise ValidationError("thresholds must satisfy 0 < review <= accept <= 1")
    engine = engine or DuckDBEngine()
    pairs = predict(records, params, engine, review=review)
    if accept is None:
        accept = max(review, calibrated_threshold(pairs["match_probability"], target_precision))
    below = 1 - accept
    cannot = cannot_link_pairs(records, pairs, params, engine, accept=accept, below=below) if split else None
    return LinkResult(records=records, pairs=pairs, accept=accept, review=review, cannot_link=cannot)
