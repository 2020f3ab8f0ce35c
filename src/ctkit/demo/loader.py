"""Load synthetic cases into a store: organisations first, then cases in batches, all in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, select

from ctkit.demo.generator import CaseGenerator, GeneratorStats
from ctkit.model import Organisation
from ctkit.store import tables as t
from ctkit.store.bulk import BulkWriter
from ctkit.store.datastore import Store

Progress = Callable[[int], None]  # called with the number of cases written so far


def organisation_row(org: Organisation) -> dict:
    return org.model_dump(mode="json")


def ensure_organisations(conn: Connection, orgs: list[Organisation]) -> int:
    """Insert the organisations not yet stored; returns how many were inserted."""
    ids = [o.id for o in orgs]
    existing = set(conn.execute(select(t.organisations.c.id).where(t.organisations.c.id.in_(ids))).scalars())
    rows = [organisation_row(o) for o in orgs if o.id not in existing]
    if rows:
        conn.execute(t.organisations.insert(), rows)
    return len(rows)


def load_demo(store: Store, cases: int, seed: int = 1, *, batch: int = 2000,
              progress: Progress | None = None, separate_records: float = 0.0,
              repeat_records: float = 0.0) -> GeneratorStats:
    """Generate ``cases`` synthetic cases for ``seed`` and store them, all or nothing.

    Returns the generator's counts (``population`` drawn, ``observed`` of them stored, in ``cases`` records).
    ``separate_records`` and ``repeat_records`` make some people several cases (see :class:`CaseGenerator`).
    Memory stays flat: cases are generated and written ``batch`` at a time inside one transaction.
    """
    generator = CaseGenerator(seed, separate_records=separate_records, repeat_records=repeat_records)
    with store.engine.begin() as conn:
        ensure_organisations(conn, list(generator.organisations.values()))
        writer = BulkWriter(conn, store.cipher, chunk=batch)
        for chunk in generator.batches(cases, batch):
            for case in chunk:
                writer.add(case)
            writer.flush()
            if progress:
                progress(writer.count)
        writer.finish()
    return generator.stats


def load_columnar(store: Store, cases: int, seed: int = 1, *, batch: int = 50_000,
                  progress: Progress | None = None) -> GeneratorStats:
    """Benchmark-volume load: thinner synthetic cases (see :mod:`ctkit.demo.columnar`), column batches written
    through the driver (COPY on PostgreSQL), all in one transaction. Returns people drawn and stored.
    """
    from ctkit.demo.columnar import ColumnarGenerator
    from ctkit.store.fastload import insert_columns

    generator = ColumnarGenerator(seed)
    done = 0
    with store.engine.begin() as conn:
        for columns in generator.batches(cases, store.cipher, batch):
            insert_columns(conn, columns)
            done += len(columns["cases"]["id"])
            if progress:
                progress(done)
    return GeneratorStats(population=generator.population, observed=generator.observed)
