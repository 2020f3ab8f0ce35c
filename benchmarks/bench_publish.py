"""Differentially private publication: a DP synthetic release (pac-synth) with its utility figures, and DP count
tables (OpenDP), timed and with their peak memory, against plain pandas group-bys of the same combinations measured
in the same run (ratio = our time / pandas time).

DP count tables are also timed before and after counting per cell: the former path (OpenDP's
``make_count_by_categories`` turning every row's cell key into a count, once per table) against
``release_dp_counts`` (a vectorised count per cell, then OpenDP noise on the vector), on the same rows in the same
run, for the 3 tables of each size and for 7 Eurostat-like tables of victim-years (person-years over 6 years, each
person bounded to 6 rows) at ``OFFICIAL_ROWS`` rows.

``python -m benchmarks publish`` (10k and 100k records) or ``--quick`` (1k). ``CTKIT_BENCH_PUBLISH_SIZES=10000``
chooses sizes. The true table is CTDC-synthetic-v2-shaped with skewed, correlated values (no real person).
"""

from __future__ import annotations

import itertools
import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ctkit.share.disclosure import CountQuery, PrivacyLedger, release_dp_counts, release_synthetic
from ctkit.share.disclosure.combinations import combination_counts
from ctkit.share.disclosure.utility import utility_figures
from ctkit.share.formats.layouts import layout
from ctkit.store import create_schema, make_engine

FULL_SIZES = (10_000, 100_000)
QUICK_SIZES = (1_000,)
OFFICIAL_ROWS = {False: 200_000, True: 2_000}  # quick -> rows
OFFICIAL_YEARS = [str(y) for y in range(2019, 2025)]
REPORTING_LENGTH = 3
# pac-synth's own default: at epsilon 1 a 27-column table of a few thousand records loses most single values.
SYNTHETIC_EPSILON = 4.0
COUNTRIES = ("RUS", "UKR", "UZB", "BLR", "MDA", "TJK", "KGZ", "POL", "DEU", "TUR", "GRC", "LTU", "KAZ", "ARM",
             "GEO", "AZE", "VNM", "CHN", "NGA", "PHL")


def true_table(n: int, seed: int = 0) -> pd.DataFrame:
    """n CTDC synthetic v2 rows: skewed countries (Zipf), forms that depend on sex, flags with missing values."""
    rng = np.random.default_rng(seed)
    columns = layout("ctdc-synthetic").columns
    zipf = 1 / np.arange(1, len(COUNTRIES) + 1) ** 1.2
    women = rng.random(n) < 0.6
    sexual = np.where(women, rng.random(n) < 0.55, rng.random(n) < 0.1)

    def flag(p_yes: float | np.ndarray, p_missing: float = 0.2) -> np.ndarray:
        yes = rng.random(n) < p_yes
        return np.where(rng.random(n) < p_missing, "", np.where(yes, "1", "0"))

    table = {c: flag(0.15) for c in columns}
    table.update({
        "yearOfRegistration": rng.choice([str(y) for y in range(2015, 2025)], n),
        "gender": np.where(rng.random(n) < 0.03, "", np.where(women, "Woman", "Man")),
        "ageBroad": rng.choice(["", "0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"],
                               n, p=[0.1, 0.03, 0.12, 0.1, 0.1, 0.1, 0.1, 0.15, 0.1, 0.1]),
        "citizenship": rng.choice(COUNTRIES, n, p=zipf / zipf.sum()),
        "CountryOfExploitation": rng.choice(COUNTRIES, n, p=np.roll(zipf, 3) / zipf.sum()),
        "traffickMonths": np.full(n, ""),
        "isSexualExploit": np.where(sexual, "1", "0"),
        "isForcedLabour": np.where(~sexual & (rng.random(n) < 0.8), "1", "0"),
        "meansThreats": flag(0.5), "meansAbusePsyPhySex": flag(0.4),
    })
    return pd.DataFrame({c: table[c] for c in columns})


def pandas_combinations(table: pd.DataFrame) -> int:
    """The baseline: one pandas group-by per column tuple of length 1..3 (empty cells dropped)."""
    frame = table.replace("", np.nan)
    found = 0
    for length in range(1, REPORTING_LENGTH + 1):
        for combo in itertools.combinations(frame.columns, length):
            found += len(frame.groupby(list(combo), dropna=True, observed=True).size())
    return found


def measure(step: Callable[[], object]) -> tuple[float, float, float, object]:
    """(wall s, CPU s, peak RSS growth MiB, result) of one run of ``step``.

    CPU seconds are reported because the machine may be shared (wall time then overstates the work). The peak is
    the process's high-water mark reset just before the step (Linux), minus the memory in use before it.
    """
    before = _rss_mib()
    _reset_peak()
    cpu, started = _cpu(), time.perf_counter()
    result = step()
    return time.perf_counter() - started, _cpu() - cpu, max(0.0, _peak_mib() - before), result


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _status(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _rss_mib() -> float:
    return _status("VmRSS") or 0.0


def _peak_mib() -> float:
    return _status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    except OSError:
        pass


def count_queries() -> list[CountQuery]:
    years = [str(y) for y in range(2015, 2025)]
    genders = ["", "Woman", "Man"]
    return [
        CountQuery("by_year_gender", ("yearOfRegistration", "gender"),
                   {"yearOfRegistration": years, "gender": genders}),
        CountQuery("corridors", ("citizenship", "CountryOfExploitation"),
                   {"citizenship": list(COUNTRIES), "CountryOfExploitation": list(COUNTRIES)}),
        CountQuery("forms", ("isSexualExploit", "isForcedLabour"),
                   {"isSexualExploit": ["1", "0", ""], "isForcedLabour": ["1", "0", ""]}),
    ]


Measured = tuple[float, float, float]


def line(label: str, figures: Measured, baseline: Measured) -> None:
    wall, cpu, mem = figures
    print(f"           {label:<50} {wall:8.2f} s wall, {cpu:8.2f} s CPU, +{mem:6.0f} MiB; "
          f"ratio {wall / baseline[0]:6.2f}x wall, {cpu / max(baseline[1], 1e-9):6.2f}x CPU", flush=True)


def quality(figures: pd.DataFrame) -> None:
    combos = figures[(figures["item"] == "synthetic_records") & figures["length"].notna()]
    for length in range(1, REPORTING_LENGTH + 1):
        row = combos[combos["length"] == length].set_index("figure")["value"]
        print(f"             k={length}: mean proportional error {row['mean_proportional_error']:.3f}, suppressed "
              f"{row['suppressed_share']:.3f}, fabricated {row['fabricated_share']:.3f}")
    shares = figures[figures["figure"] == "share"].set_index("item")
    rho = figures.loc[figures["figure"] == "corridor_rank_correlation", "value"].iloc[0]
    print(f"             sexual exploitation share {shares.loc['isSexualExploit', 'true']:.3f} -> "
          f"{shares.loc['isSexualExploit', 'released']:.3f}; minors {shares.loc['minors', 'true']:.3f} -> "
          f"{shares.loc['minors', 'released']:.3f}; top-10 corridors' Spearman {rho:.2f}")


def bench_size(n: int, ledger: PrivacyLedger) -> None:
    table = true_table(n)
    dataset = f"bench-{n}"
    ledger.set_budget(dataset, epsilon=100.0, delta=1e-3)
    *baseline, found = measure(lambda: pandas_combinations(table))
    print(f"n={n:>7}: baseline pandas group-by of every 1..3 combination: {baseline[0]:.2f} s wall, "
          f"{baseline[1]:.2f} s CPU, +{baseline[2]:.0f} MiB ({found} combinations)", flush=True)
    *figures, counts = measure(lambda: combination_counts(table, REPORTING_LENGTH))
    line("combination_counts (utility's counter)", figures, baseline)
    assert len(counts) == found, (len(counts), found)
    *figures, release = measure(lambda: release_synthetic(table, dataset=dataset, epsilon=SYNTHETIC_EPSILON,
                                                          delta=1e-6, ledger=ledger))
    line(f"DP synthetic release + utility (eps {SYNTHETIC_EPSILON:g})", figures, baseline)
    quality(release.utility)
    *figures, _ = measure(lambda: utility_figures(table, release.records, reporting_length=REPORTING_LENGTH))
    line("utility figures alone", figures, baseline)
    queries = count_queries()
    *plain, _ = measure(lambda: [table.groupby(list(q.dims)).size() for q in queries])
    *figures, _ = measure(lambda: release_dp_counts(table, queries, dataset=dataset, epsilon=1.0, ledger=ledger,
                                                    product="bench"))
    line("DP count tables (3, OpenDP) vs their group-bys", figures, plain)
    before_after(table, queries, dataset, ledger, unit=None, bound=1)


def per_row_dp_counts(records: pd.DataFrame, queries: list[CountQuery], epsilon: float, bound: int,
                      unit: str | None) -> dict[str, list[int]]:
    """The former path, kept here as the baseline: each row's cell key as text, counted by OpenDP per table."""
    import opendp.prelude as dp

    from ctkit.share.disclosure.dp_counts import bounded_rows

    dp.enable_features("contrib")
    kept = bounded_rows(records, unit, bound, 0)
    out = {}
    for query in queries:
        keys = records[query.dims[0]].astype(str).to_numpy(dtype=object)
        for dim in query.dims[1:]:
            keys = keys + "\x1f" + records[dim].astype(str).to_numpy(dtype=object)
        categories = ["\x1f".join(cell) for cell in itertools.product(*(query.domains[d] for d in query.dims))]
        counts = dp.t.make_count_by_categories(dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance(),
                                               categories=categories, null_category=False, MO="L1Distance<int>")
        measurement = counts >> dp.m.then_laplace(bound * len(queries) / epsilon)
        out[query.name] = measurement(keys[kept].tolist())
    return out


def before_after(records: pd.DataFrame, queries: list[CountQuery], dataset: str, ledger: PrivacyLedger, *,
                 unit: str | None, bound: int) -> None:
    *before, _ = measure(lambda: per_row_dp_counts(records, queries, 1.0, bound, unit))
    *after, _ = measure(lambda: release_dp_counts(records, queries, dataset=dataset, epsilon=1.0, ledger=ledger,
                                                  product="bench", unit=unit, max_rows_per_unit=bound))
    print(f"           DP count tables ({len(queries)}), per row (before): {before[0]:.2f} s wall, "
          f"{before[1]:.2f} s CPU, +{before[2]:.0f} MiB", flush=True)
    line(f"DP count tables ({len(queries)}): per cell vs per row (before)", after, before)


def victim_years(n: int, seed: int = 1) -> pd.DataFrame:
    """About ``n`` person-year rows shaped like Eurostat's victims: most people in one year, some in several."""
    rng = np.random.default_rng(seed)
    people = n * 2 // 3
    person = np.sort(rng.integers(0, people, n))
    year = rng.choice(OFFICIAL_YEARS, n)
    frame = pd.DataFrame({"person_id": person, "year": year}).drop_duplicates(["person_id", "year"])
    m = len(frame)

    def pick(values: list[str], p: list[float]) -> np.ndarray:
        return rng.choice(values, m, p=p)

    stage = lambda p: np.where(rng.random(m) < p, rng.choice(OFFICIAL_YEARS, m), "none")  # noqa: E731
    return frame.assign(
        citizen=pick(["NAT", "EU27_2020_FOR", "NEU27_2020_FOR", "UNK"], [0.5, 0.2, 0.25, 0.05]),
        expl=pick(["SEX", "LAB", "OTH", "UNK"], [0.5, 0.3, 0.15, 0.05]),
        age=pick(["Y_LT18", "Y_GE18", "UNK"], [0.2, 0.7, 0.1]),
        leg_stat=pick(["IDENT", "PRES"], [0.6, 0.4]), sex=pick(["F", "M", "UNK"], [0.7, 0.28, 0.02]),
        investigated=stage(0.5), prosecuted=stage(0.3), convicted=stage(0.15)).reset_index(drop=True)


def official_queries() -> list[CountQuery]:
    domains = {"citizen": ["NAT", "EU27_2020_FOR", "NEU27_2020_FOR", "UNK"], "expl": ["SEX", "LAB", "OTH", "UNK"],
               "age": ["Y_LT18", "Y_GE18", "UNK"], "leg_stat": ["IDENT", "PRES"], "sex": ["F", "M", "UNK"]}
    queries = [CountQuery(f"victims_{dim}", ("year", dim, "sex"), {"year": OFFICIAL_YEARS, dim: domains[dim],
                                                                   "sex": domains["sex"]})
               for dim in ("citizen", "expl", "age", "leg_stat")]
    return queries + [CountQuery(f"victims_{stage}", (stage, "sex"), {stage: [*OFFICIAL_YEARS, "none"],
                                                                      "sex": domains["sex"]})
                      for stage in ("investigated", "prosecuted", "convicted")]


def bench_official(rows: int, ledger: PrivacyLedger) -> None:
    records = victim_years(rows)
    dataset = f"bench-official-{rows}"
    ledger.set_budget(dataset, epsilon=100.0, delta=1e-3)
    print(f"victim-years={len(records):>7} ({records['person_id'].nunique()} people, 7 Eurostat-like tables, "
          f"at most {len(OFFICIAL_YEARS)} years per person):", flush=True)
    before_after(records, official_queries(), dataset, ledger, unit="person_id", bound=len(OFFICIAL_YEARS))


def run(quick: bool) -> None:
    sizes = QUICK_SIZES if quick else FULL_SIZES
    if os.environ.get("CTKIT_BENCH_PUBLISH_SIZES"):
        sizes = tuple(int(s) for s in os.environ["CTKIT_BENCH_PUBLISH_SIZES"].split(","))
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'ledger.sqlite3'}")
        create_schema(engine)
        ledger = PrivacyLedger(engine)
        for n in sizes:
            bench_size(n, ledger)
        bench_official(OFFICIAL_ROWS[quick], ledger)
        engine.dispose()
