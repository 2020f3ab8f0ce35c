"""Benchmark of record linkage on generated registers with known truth.

For each size: ctkit's model (transliteration-aware, EM-trained, DuckDB, threshold calibrated for precision 0.99)
twice, on the registers with the patronymic and identity documents (``ctkit``) and on the same registers without
those columns (``ctkit_base``, the data as the earlier benchmark had it), against a plain Splink model with library
default comparisons on the raw columns (without them too), same data, same run; then (up to 100k)
privacy-preserving matching (CLK + hub) between two holders against plaintext linkage of the same two lists. The
data is generated once per size; each model then runs in a fresh process so that the peak resident memory
(``ru_maxrss``) is its own.

Figures: precision and recall of *record pairs* in the final persons (clusters), for ctkit also with plain
connected components (no split across cannot-link pairs), of the accepted links, at fixed thresholds 0.95 and
0.99, and the best recall any threshold reaches at precision 0.99 (chosen with the truth: the ranking's ceiling);
blocking pairs completeness (share of true pairs any blocking rule compares) of each model; seconds; peak RSS in
MiB.

    python benchmarks/bench_link.py                  # 10k and 100k records (add --million for 1M)
    python benchmarks/bench_link.py --sizes 1000000  # 1M only
    python benchmarks/bench_link.py --quick          # 800 records, as the test runs it
    python benchmarks/bench_link.py --sizes 1000000 --surnames long_tail faker   # both name populations

``--surnames`` picks the generator's surname population: ``long_tail`` (the default: 20,000 surnames per locale
and sex, the commonest borne by 0.8 to 1.6% of people, as in national statistics) or ``faker`` (Faker's own
pools of 248 to 1,202 surnames, the commonest at 4 to 7%: many more namesakes than a real register holds).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pandas as pd

SIZES = (10_000, 100_000)
QUICK_SIZES = (800,)
MILLION = 1_000_000
MODELS = ("ctkit", "ctkit_base", "plain_splink", "pprl")
_IDENTIFIERS = ("middle_name", "document_number", "document_country")
PPRL_MAX = 100_000  # encoding is pure Python HMAC: at 1M it would take longer than the rest of the run


def _cluster_figures(clusters: pd.DataFrame, truth: pd.DataFrame, cluster_column: str) -> dict[str, float]:
    from ctkit.share.link.quality import pair_precision_recall, pairs_within

    return pair_precision_recall(pairs_within(clusters["unique_id"], clusters[cluster_column]), truth)


def _ctkit(records: pd.DataFrame, truth: pd.DataFrame, em_pairs: float | None) -> tuple[dict, pd.DataFrame]:
    """ctkit's model; the threshold calibrated for precision 0.99, fixed thresholds on the same scores beside it."""
    from ctkit.share.link import DuckDBEngine, link, train
    from ctkit.share.link.model import prediction_blocking_rules
    from ctkit.share.link.quality import best_recall_at_precision, blocking_pairs_completeness, pair_precision_recall

    start = time.perf_counter()
    params = train(records, DuckDBEngine(), seed=1, u_max_pairs=1e6, em_max_pairs=em_pairs)
    result = link(records, params, DuckDBEngine(), review=0.01, target_precision=0.99)
    clusters = result.clusters()
    seconds = time.perf_counter() - start
    figures = {
        **_cluster_figures(clusters, truth, "person_id"), "seconds": seconds, "accept": result.accept,
        "lambda": params.lambda_, "links": pair_precision_recall(result.links(), truth),
        "comparisons": list(params.levels), "cannot_link_pairs": len(result.cannot_link),
        "birth_date_m": {label: m for label, m, _ in params.levels["birth_date"] if m is not None},  # EM stability
        "blocking_pairs_completeness": blocking_pairs_completeness(records, truth, prediction_blocking_rules(
            tuple(c for c in params.levels if c in ("middle_name", "document")))),
        "components": _cluster_figures(replace(result, cannot_link=None).clusters(), truth, "person_id"),
        "best_pair_recall_at_p99": best_recall_at_precision(result.pairs, truth, 0.99),
        "scored_pairs": len(result.pairs),
    }  # fmt: skip
    fixed = {}
    for accept in (0.95, 0.99):  # the same scored pairs, fixed thresholds as before calibration
        other = replace(result, accept=accept).clusters()
        fixed[str(accept)] = _cluster_figures(other, truth, "person_id")
    return {**figures, "fixed_thresholds": fixed}, clusters


def _baseline(registers: pd.DataFrame, records: pd.DataFrame, truth: pd.DataFrame, em_pairs: float | None) -> dict:
    """Plain Splink: default comparisons on raw names (no transliteration), dates parsed to ISO only."""
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on

    from ctkit.share.link import DuckDBEngine
    from ctkit.share.link.quality import blocking_pairs_completeness

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
    figures = _cluster_figures(clusters, truth, "cluster_id")
    seconds = time.perf_counter() - start
    completeness = blocking_pairs_completeness(raw, truth, baseline_settings.blocking_rules_to_generate_predictions)
    return {**figures, "seconds": seconds, "blocking_pairs_completeness": completeness}


def _pprl(registers: pd.DataFrame, records: pd.DataFrame, truth: pd.DataFrame, clusters: pd.DataFrame) -> dict:
    """Police (Cyrillic) against the foreign agency (German spelling): CLK hub vs plaintext clusters."""
    from ctkit.share.link import EncodingSettings, encode_frame, match_encodings, resolve
    from ctkit.share.link.quality import pair_precision_recall, pairs_within

    def across(pairs: pd.DataFrame) -> pd.DataFrame:
        left, right = (pairs[c].str.split(":").str[0] for c in ("unique_id_l", "unique_id_r"))
        return pairs[((left == "police") & (right == "foreign")) | ((left == "foreign") & (right == "police"))]

    key = bytes(range(32))
    holders = {name: registers[registers["list"] == name] for name in ("police", "foreign")}
    uid = pd.Series(records["unique_id"].to_numpy(), index=registers["record_id"].to_numpy())
    cross_truth = across(truth)
    start = time.perf_counter()
    enc_a, keep_a, meta_a = encode_frame(holders["police"], key, EncodingSettings(), seed=1)
    enc_b, keep_b, meta_b = encode_frame(holders["foreign"], key, EncodingSettings(), seed=2)
    matches = match_encodings(enc_a, meta_a, enc_b, meta_b)
    joined = resolve(matches, keep_a).merge(resolve(matches, keep_b), on="pair_ref", suffixes=("_a", "_b"))
    found = pd.DataFrame(
        {
            "unique_id_l": uid[joined["record_id_a"]].to_numpy(),
            "unique_id_r": uid[joined["record_id_b"]].to_numpy(),
            "band": joined["band_a"].to_numpy(),
        }
    )
    return {
        "pprl_all": pair_precision_recall(found, cross_truth),
        "pprl_high": pair_precision_recall(found[found["band"] == "high"], cross_truth),
        "plaintext": pair_precision_recall(across(pairs_within(clusters["unique_id"], clusters["person_id"])),
                                           cross_truth),
        "seconds": time.perf_counter() - start,
    }  # fmt: skip


def _prepare(n: int, folder: Path, surnames: str = "long_tail") -> dict:
    """Generate and normalise ``n`` records once; every model then reads them in its own process."""
    from ctkit.share.link import GeneratorConfig, iter_records, prepare_records
    from ctkit.share.link.quality import pairs_within

    start = time.perf_counter()
    registers = pd.concat(iter_records(GeneratorConfig(n_records=n, seed=2026, surnames=surnames)), ignore_index=True)
    records = prepare_records(registers.drop(columns=["person_id"]))
    seconds = time.perf_counter() - start
    # The same registers without the patronymic and documents: the data the benchmark had before they existed.
    base = prepare_records(registers.drop(columns=["person_id", *_IDENTIFIERS]))
    truth = pairs_within(records["unique_id"], registers["person_id"])
    registers.to_parquet(folder / "registers.parquet")
    records.to_parquet(folder / "records.parquet")
    base.to_parquet(folder / "records_base.parquet")
    truth.to_parquet(folder / "truth.parquet")
    recorded = {c: float(registers[c].notna().mean()) for c in ("middle_name", "document_number")}
    return {"records": len(records), "surnames": surnames, "true_pairs": len(truth),
            "generate_and_normalise_s": seconds, "share_recorded": recorded}  # fmt: skip


def _measure(task: str, folder: Path) -> dict:
    """One model on the prepared data, alone in this process so that its peak RSS is its own."""
    records = pd.read_parquet(folder / ("records_base.parquet" if task == "ctkit_base" else "records.parquet"))
    truth = pd.read_parquet(folder / "truth.parquet")
    n = len(records)
    em_pairs = 2e6 if n > 50_000 else None
    if task in ("ctkit", "ctkit_base"):
        figures, clusters = _ctkit(records, truth, em_pairs)
        clusters.to_parquet(folder / f"clusters_{task}.parquet")
    elif task == "plain_splink":
        figures = _baseline(pd.read_parquet(folder / "registers.parquet"), records, truth, em_pairs)
    else:
        clusters = pd.read_parquet(folder / "clusters_ctkit.parquet")
        figures = _pprl(pd.read_parquet(folder / "registers.parquet"), records, truth, clusters)
    return {**figures, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _in_process(target, *args) -> dict:
    """Run ``target`` in a fresh process (its own peak RSS); an exception there is raised here."""
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(target, *args).result()


def run(quick: bool = False, sizes: tuple[int, ...] | None = None, models: tuple[str, ...] = MODELS,
        surnames: tuple[str, ...] = ("long_tail",)) -> list[dict]:  # fmt: skip
    """Run the benchmark; returns one dict of figures per size and surname population (see the docstring)."""
    results = []
    for n, population in ((n, s) for n in sizes or (QUICK_SIZES if quick else SIZES) for s in surnames):
        with tempfile.TemporaryDirectory(prefix="bench_link_") as tmp:
            folder = Path(tmp)
            figures = _in_process(_prepare, n, folder, population)
            for task in (m for m in models if m != "pprl" or n <= PPRL_MAX):
                figures[task] = _in_process(_measure, task, folder)
        results.append(figures)
        print(json.dumps(figures, indent=2), flush=True)
    return results


if __name__ == "__main__":
    from ctkit.share.link.generate import SURNAME_POOLS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SIZES[0]} records only")
    parser.add_argument("--million", action="store_true", help="add 1M records (long: about half an hour)")
    parser.add_argument("--sizes", type=int, nargs="+", help="these record counts instead")
    parser.add_argument(
        "--models",
        nargs="+",
        choices=MODELS,
        default=MODELS,
        help="run only these (pprl needs ctkit); ctkit_base: without patronymic and documents",
    )
    parser.add_argument(
        "--surnames",
        nargs="+",
        choices=SURNAME_POOLS,
        default=["long_tail"],
        help="the generator's surname population(s): long_tail (default) or faker's small pools",
    )
    args = parser.parse_args()
    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES + ((MILLION,) if args.million else ()))
    run(sizes=tuple(sizes), models=tuple(args.models), surnames=tuple(args.surnames))
