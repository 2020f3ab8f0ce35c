"""CTDC import and export against a plain ``pandas.read_csv(...).to_sql(...)`` baseline, in the same run.

Each measurement runs in a fresh child process, which reports its wall time and its own peak resident memory
(``ru_maxrss``), so that one measurement's memory never hides in another's. The baseline loads the same file
into one 63-column SQLite table with no validation and no mapping; ctkit validates every cell, maps it to the
case model's tables (persons, cases, exploitations, events) and commits all or nothing.

Targets (issue 2, on the project's 2-core machine): import >= 100,000 rows/s, peak < 500 MB whatever the file
size, >= 2x the baseline; export >= 200,000 rows/s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUICK_ROWS = 20_000
FULL_ROWS = 1_000_000
TARGETS = {"import_rows_per_s": 100_000, "export_rows_per_s": 200_000, "peak_mb": 500, "ratio": 2.0}


def _import(path: str, db: str) -> dict:
    from ctkit.share.formats.ctdc_import import import_ctdc
    from ctkit.store import create_schema, make_engine

    engine = make_engine(f"sqlite:///{db}")
    create_schema(engine)
    started = time.perf_counter()
    report = import_ctdc(Path(path), "ctdc", engine)
    return {"seconds": time.perf_counter() - started, "rows": report.rows}


def _export(path: str, db: str) -> dict:
    from ctkit.share.formats.ctdc_export import export_ctdc
    from ctkit.store import make_engine

    engine = make_engine(f"sqlite:///{db}")
    started = time.perf_counter()
    report = export_ctdc(engine, "ctdc", Path(path))
    return {"seconds": time.perf_counter() - started, "rows": report.rows}


def _baseline(path: str, db: str) -> dict:
    import pandas as pd
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{db}")
    started = time.perf_counter()
    rows = pd.read_csv(path).to_sql("ctdc_raw", engine, index=False)
    return {"seconds": time.perf_counter() - started, "rows": rows}


TASKS = {"import": _import, "export": _export, "baseline": _baseline}


def child_main(argv: list[str]) -> None:
    """Entry point of a measurement child: run one task, print its figures and peak memory as JSON."""
    import resource

    task, path, db = argv
    before = resource.getrusage(resource.RUSAGE_SELF)
    result = TASKS[task](path, db)
    after = resource.getrusage(resource.RUSAGE_SELF)
    # CPU seconds of the task: on a shared machine wall time also counts other people's processes.
    result["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["peak_mb"] = after.ru_maxrss / 1024  # KiB on Linux
    print(json.dumps(result))


def measure(task: str, path: Path, db: Path) -> dict:
    code = "import sys; from benchmarks.bench_import import child_main; child_main(sys.argv[1:])"
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code, task, str(path), str(db)], capture_output=True, text=True,
                          check=False, cwd=root)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child '{task}' failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(quick: bool = False) -> dict:
    """Generate a synthetic CTDC file, then time import, export and the pandas baseline; print and return them."""
    from ctkit.share.formats import write_sample

    rows = QUICK_ROWS if quick else FULL_ROWS
    with tempfile.TemporaryDirectory(prefix="ctkit-bench-") as tmp:
        tmp_path = Path(tmp)
        source = write_sample(tmp_path / "ctdc.csv", "ctdc", rows, seed=7)
        print(f"CTDC global layout, {rows:,} synthetic rows, {source.stat().st_size / 1e6:.0f} MB", flush=True)
        imported = measure("import", source, tmp_path / "store.sqlite3")
        quarter = imported  # memory flat in file size: measured against a file 1/4 the size (full runs only)
        if not quick:
            small = write_sample(tmp_path / "ctdc_quarter.csv", "ctdc", rows // 4, seed=8)
            quarter = measure("import", small, tmp_path / "quarter.sqlite3")
        exported = measure("export", tmp_path / "export.csv", tmp_path / "store.sqlite3")
        baseline = measure("baseline", source, tmp_path / "baseline.sqlite3")
    figures = {
        "rows": rows,
        "import_rows_per_cpu_s": rows / imported["cpu_seconds"],
        "export_rows_per_cpu_s": rows / exported["cpu_seconds"],
        "baseline_rows_per_cpu_s": rows / baseline["cpu_seconds"],
        "import_rows_per_s": rows / imported["seconds"],
        "import_peak_mb": imported["peak_mb"],
        "import_quarter_peak_mb": quarter["peak_mb"],
        "export_rows_per_s": exported["rows"] / exported["seconds"],
        "export_peak_mb": exported["peak_mb"],
        "baseline_rows_per_s": rows / baseline["seconds"],
        "baseline_peak_mb": baseline["peak_mb"],
    }
    figures["ratio"] = figures["import_rows_per_s"] / figures["baseline_rows_per_s"]
    figures["cpu_ratio"] = figures["import_rows_per_cpu_s"] / figures["baseline_rows_per_cpu_s"]
    _print(figures)
    return figures


def _print(f: dict) -> None:
    def verdict(ok: bool) -> str:
        return "meets target" if ok else "BELOW TARGET"

    print(f"import   {f['import_rows_per_s']:>10,.0f} rows/s  peak {f['import_peak_mb']:.0f} MB "
          f"(file of 1/4 the size: {f['import_quarter_peak_mb']:.0f} MB)  "
          f"[{verdict(f['import_rows_per_s'] >= TARGETS['import_rows_per_s'])}, "
          f"{verdict(f['import_peak_mb'] < TARGETS['peak_mb'])}]")
    print(f"export   {f['export_rows_per_s']:>10,.0f} rows/s  peak {f['export_peak_mb']:.0f} MB  "
          f"[{verdict(f['export_rows_per_s'] >= TARGETS['export_rows_per_s'])}]")
    print(f"baseline {f['baseline_rows_per_s']:>10,.0f} rows/s  peak {f['baseline_peak_mb']:.0f} MB  "
          "(pandas.read_csv(...).to_sql(...), no validation)")
    print(f"ratio import/baseline {f['ratio']:.2f}x  [{verdict(f['ratio'] >= TARGETS['ratio'])}]")
    print(f"per CPU second (the machine may be shared): import {f['import_rows_per_cpu_s']:,.0f}, export "
          f"{f['export_rows_per_cpu_s']:,.0f}, baseline {f['baseline_rows_per_cpu_s']:,.0f} rows; "
          f"ratio {f['cpu_ratio']:.2f}x", flush=True)


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
