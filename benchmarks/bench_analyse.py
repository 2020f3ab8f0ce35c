"""Analytics on synthetic snapshots: every dashboard aggregate at 1M (and 10M) cases, the report at 1M, memory,
and the same aggregates in pandas in the same run (ratio = pandas time / DuckDB time; target at least 5x).

``python -m benchmarks analyse`` (full) or ``--quick`` (small sizes, used by a smoke test). Set
``CTKIT_BENCH_ANALYSE_SIZES=1000000`` to choose sizes.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

import pandas as pd

from ctkit.analyse import (
    Snapshot,
    corridors,
    exploitation,
    flows,
    funnel,
    place_roles,
    profiles,
    recruitment,
    synthetic_tables,
    trends,
)
from ctkit.analyse.report import write_report
from ctkit.share.disclosure import DisclosurePolicy

FULL_SIZES = (1_000_000, 10_000_000)
# pandas copies every table into Python objects: above this size it would need more memory than a 2-core
# developer machine has, so the comparison runs at the smaller sizes only.
PANDAS_MAX = 1_000_000
QUICK_SIZES = (5_000,)
REPEATS = 3


def dashboard(snap: Snapshot) -> None:
    """Every aggregate the dashboards and the report show (unfiltered)."""
    profiles(snap)
    exploitation(snap)
    recruitment(snap)
    trends(snap)
    trends(snap, period="quarter")
    funnel(snap)
    place_roles(snap, level="country")
    place_roles(snap, level="region")
    corridors(snap, top=None)
    flows(snap)


def pandas_frames(snap: Snapshot) -> dict[str, pd.DataFrame]:
    names = ["cases", "case_means", "case_vulnerabilities", "case_forms", "case_sectors", "case_methods", "case_stages",
             "case_places", "case_routes"]
    return {name: snap.query(f"SELECT * FROM {name}") for name in names}


def pandas_dashboard(f: dict[str, pd.DataFrame]) -> None:
    """The same aggregates in pandas, on the same (derived) tables."""
    cases = f["cases"]
    for column in ("sex", "age_band", "is_minor", "citizenship", "recruiter_relation"):
        cases[column].value_counts(dropna=False)
    for table in ("case_means", "case_vulnerabilities"):
        present, recorded = f[table]["present"].to_numpy(), f[table]["recorded"].to_numpy()
        for bit in range(17):
            ((present >> bit) & 1).sum()
            ((recorded >> bit) & 1).sum()
    for table in ("case_forms", "case_sectors", "case_methods"):
        f[table].groupby("value").size()
        f[table]["case_id"].nunique()
    cases.groupby("year").size()
    cases.groupby(["year", "quarter"]).size()
    f["case_stages"].groupby("stage_no")["days"].describe()
    for level in ("country", "region"):
        places = f["case_places"][f["case_places"]["level"] == level]
        places.groupby("place").size()
        for bit in (1, 2, 4):
            ((places["roles"] & bit) > 0).groupby(places["place"]).sum()
    routes = f["case_routes"]
    routes.groupby(["origin_country", "destination_country"]).size()
    routes.groupby(["origin_country", "transit_country", "destination_country"], dropna=False).size()


def best_of(func, *args) -> tuple[float, float]:
    """Best wall time and the CPU time (user + system, all threads) of that run.

    CPU time is reported too because the machine may be shared: on a busy machine wall time overstates what
    the same work takes on idle cores, while CPU seconds do not depend on the load.
    """
    runs = []
    for _ in range(REPEATS):
        cpu_before, started = _cpu(), time.perf_counter()
        func(*args)
        runs.append((time.perf_counter() - started, _cpu() - cpu_before))
    return min(runs)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_size(n: int, *, report: bool) -> None:
    started = time.perf_counter()
    tables = synthetic_tables(n, seed=1)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    built = Snapshot.from_tables(tables, source="synthetic")
    loaded = time.perf_counter() - started
    del tables
    rows = sum(built.manifest["rows"].values())
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        built.write(Path(tmp) / "snapshot")
        written = time.perf_counter() - started
        built.close()
        started = time.perf_counter()
        snap = Snapshot.open(Path(tmp) / "snapshot")  # as the CLI and the web open it
        opened = time.perf_counter() - started
        print(f"{n:>11,} cases ({rows:,} rows): generated {generated:.1f} s, built + derived {loaded:.1f} s, "
              f"written {written:.1f} s, opened {opened:.2f} s")
        _measure(snap, report, pandas=n <= PANDAS_MAX)
        snap.close()


def _measure(snap: Snapshot, report: bool, pandas: bool) -> None:
    load = os.getloadavg()[0]
    duck, duck_cpu = best_of(dashboard, snap)
    print(f"  all dashboard aggregates (10 queries), DuckDB: {duck:.3f} s wall, {duck_cpu:.3f} s CPU "
          f"(best of {REPEATS}; load average {load:.1f})")
    if pandas:
        frames = pandas_frames(snap)
        panda, panda_cpu = best_of(pandas_dashboard, frames)
        del frames
        print(f"  same aggregates, pandas:                      {panda:.3f} s wall, {panda_cpu:.3f} s CPU "
              f"-> DuckDB is {panda / duck:.1f}x faster (wall), {panda_cpu / duck_cpu:.1f}x less CPU")
    else:
        print(f"  pandas comparison skipped above {PANDAS_MAX:,} cases (memory)")
    if report:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            path = write_report(snap, Path(tmp) / "report.html", policy=DisclosurePolicy(k=10))
            took = time.perf_counter() - started
            size = path.stat().st_size / 2**20
            print(f"  public report (published tables, charts, HTML {size:.1f} MiB): {took:.2f} s")
    print(f"  peak resident memory so far: {rss_mib():,.0f} MiB")


def run(quick: bool) -> None:
    sizes = QUICK_SIZES if quick else FULL_SIZES
    chosen = os.environ.get("CTKIT_BENCH_ANALYSE_SIZES")
    if chosen and not quick:
        sizes = tuple(int(s) for s in chosen.split(","))
    print(f"analytics benchmark on {os.cpu_count()} CPU(s); targets at 1M: dashboard < 1 s, report < 10 s, "
          "DuckDB >= 5x pandas")
    for n in sizes:
        bench_size(n, report=n <= 1_000_000)
