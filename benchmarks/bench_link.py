"""Benchmark of record linkage on generated registers with known truth.

For each size: ctkit's model (transliteration-aware, EM-trained, DuckDB) against a plain Splink model with library
default comparisons on the raw columns, same data, same run; then privacy-preserving matching (CLK + hub) between
two holders against plaintext linkage of the same two lists. Each size runs in a fresh process so that the peak
resident memory (``ru_maxrss``) belongs to that size alone.

Figures: precision and recall of *record pairs* in the final persons (clusters), seconds, peak RSS in MiB.

    python benchmarks/bench_link.py            # 10k and 100k records (add --million for 1M)
    python benchmarks/bench_link.py --quick    # 800 records, as the test runs it
"""

from __future__ import annotations

import json
import multiprocessing as mp
import resource
import sys
import time
from dataclasses import replace

import pandas as pd

SIZES = (10_000, 100_000)
QUICK_SIZES = (800,)
MILLION = 1_000_000


def _pairs(ids, groups) -> set[tuple[str, str]]:
    frame = pd.DataFrame({"id": list(ids), "g": list(groups)})
    merged = frame.merge(frame, on="g")
    merged = merged[merged["id_x"] < merged["id_y"]]
    return set(zip(merged["id_x"], merged["id_y"], strict=True))


def _score(predicted: set, truth: set) -> dict[str, float]:
    hits = len(predicted & truth)
    return {"precision": hits / max(len(predicted), 1), "recall": hits / max(len(truth), 1)}


def _ctkit(records: pd.DataFrame, truth: set, em_pairs: float) -> tuple[dict, pd.DataFrame]:
    from ctkit.share.link import DuckDBEngine, link, train

    start = time.perf_counter()
    params = train(records, DuckDBEngine(), seed=1, u_max_pairs=1e6, em_max_pairs=em_pairs)
    result = link(records, params, DuckDBEngine(), accept=0.95)
    clusters = result.clusters()
    figures = _score(_pairs(clusters["unique_id"], clusters["person_id"]), truth)
    seconds = time.perf_counter() - start
    by_threshold = {}
    for accept in (0.9, 0.99):  # the same scored pairs, other acceptance thresholds
        other = replace(result, accept=accept).clusters()
        by_threshold[str(accept)] = _score(_pairs(other["unique_id"], other["person_id"]), truth)
    return {**figures, "seconds": seconds, "at_other_thresholds": by_threshold}, clusters


def _baseline(registers: pd.DataFrame, records: pd.DataFrame, truth: set, em_pairs: float) -> dict:
    """Plain Splink: default comparisons on raw names (no transliteration), dates parsed to ISO only."""
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on

    from ctkit.share.link import DuckDBEngine

    baseline_settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("last_name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality"),
            cl.ExactMatch("place_of_origin"),
        ],
        blocking_rules_to_generate_predictions=[block_on("first_name", "last_name"), block_on("birth_date")],
    )

    raw = registers[["first_name", "last_name", "sex", "nationality", "place_of_origin"]].reset_index(drop=True)
    raw = raw.assign(unique_id=records["unique_id"].to_numpy(), birth_date=records["birth_date"].to_numpy())
    start = time.perf_counter()
    engine = DuckDBEngine()
    db_api = engine.db_api()
    linker = Linker(engine.table(db_api, raw, "raw"), baseline_settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "birth_date")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("birth_date"), block_on("first_name", "last_name")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=em_pairs)
    scored = linker.inference.predict(threshold_match_probability=0.95)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(scored, 0.95).as_pandas_dataframe()
    figures = _score(_pairs(clusters["unique_id"], clusters["cluster_id"]), truth)
    return {**figures, "seconds": time.perf_counter() - start}


def _pprl(registers: pd.DataFrame, records: pd.DataFrame, clusters: pd.DataFrame) -> dict:
    """Police (Cyrillic) against the foreign agency (German spelling): CLK hub vs plaintext clusters."""
    from ctkit.share.link import EncodingSettings, encode_frame, match_encodings, resolve

    key = bytes(range(32))
    holders = {name: registers[registers["list"] == name] for name in ("police", "foreign")}
    uid = dict(zip(registers["record_id"], records["unique_id"], strict=True))
    truth = {
        (a, b) for a, b in _pairs(records["unique_id"], registers["person_id"])
        if a.split(":")[0] != b.split(":")[0] and {a.split(":")[0], b.split(":")[0]} == {"police", "foreign"}
    }  # fmt: skip
    plain = {
        (a, b) for a, b in _pairs(clusters["unique_id"], clusters["person_id"])
        if {a.split(":")[0], b.split(":")[0]} == {"police", "foreign"}
    }  # fmt: skip
    start = time.perf_counter()
    enc_a, keep_a, meta_a = encode_frame(holders["police"], key, EncodingSettings(), seed=1)
    enc_b, keep_b, meta_b = encode_frame(holders["foreign"], key, EncodingSettings(), seed=2)
    matches = match_encodings(enc_a, meta_a, enc_b, meta_b)
    joined = resolve(matches, keep_a).merge(resolve(matches, keep_b), on="pair_ref", suffixes=("_a", "_b"))
    high = joined[joined["band_a"] == "high"]
    return {
        "pprl_all": _score(_found(joined, uid), truth),
        "pprl_high": _score(_found(high, uid), truth),
        "plaintext": _score(plain, truth),
        "seconds": time.perf_counter() - start,
    }


def _found(joined: pd.DataFrame, uid: dict[str, str]) -> set[tuple[str, str]]:
    pairs = zip(joined["record_id_a"], joined["record_id_b"], strict=True)
    return {tuple(sorted((uid[a], uid[b]))) for a, b in pairs}


def _one_size(n: int, queue) -> None:
    from ctkit.share.link import GeneratorConfig, iter_records, prepare_records

    start = time.perf_counter()
    registers = pd.concat(iter_records(GeneratorConfig(n_records=n, seed=2026)), ignore_index=True)
    records = prepare_records(registers.drop(columns=["person_id"]))
    prepare_s = time.perf_counter() - start
    truth = _pairs(records["unique_id"], registers["person_id"])
    em_pairs = 2e6 if n > 50_000 else None
    ours, clusters = _ctkit(records, truth, em_pairs)
    result = {
        "records": len(records), "true_pairs": len(truth), "generate_and_normalise_s": prepare_s,
        "ctkit": ours, "plain_splink": _baseline(registers, records, truth, em_pairs),
        "pprl": _pprl(registers, records, clusters),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }  # fmt: skip
    queue.put(result)


def run(quick: bool = False, sizes: tuple[int, ...] | None = None) -> list[dict]:
    """Run the benchmark; returns one dict of figures per size (see the module docstring)."""
    ctx = mp.get_context("spawn")
    results = []
    for n in sizes or (QUICK_SIZES if quick else SIZES):
        queue = ctx.Queue()
        proc = ctx.Process(target=_one_size, args=(n, queue))
        proc.start()
        results.append(queue.get())
        proc.join()
    return results


if __name__ == "__main__":
    chosen = QUICK_SIZES if "--quick" in sys.argv else SIZES + ((MILLION,) if "--million" in sys.argv else ())
    for n in chosen:
        for figures in run(sizes=(n,)):
            print(json.dumps(figures, indent=2), flush=True)
