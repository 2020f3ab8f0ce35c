"""Run every benchmark: ``python -m benchmarks [name ...]``.

Each ``bench_*.py`` module exposes ``run(quick: bool) -> None`` printing its figures and the ratios against a
baseline measured in the same run. ``--quick`` uses small sizes (used by a smoke test).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time

import benchmarks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, epilog="Example: python -m benchmarks estimate --quick")
    parser.add_argument("names", nargs="*", help="benchmark names (e.g. 'import' for bench_import.py)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    found = sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    chosen = args.names or found
    unknown = set(chosen) - set(found)
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(found)}")
    for name in chosen:
        print(f"\n=== benchmark: {name} ===", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"benchmarks.bench_{name}").run(quick=args.quick)
        print(f"--- {name} done in {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
