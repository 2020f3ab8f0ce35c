"""Store commands: ``init``, ``demo-data``, ``stats``, ``keys rotate`` and ``demo`` (what ``make demo`` runs).

Thin: each command parses options, calls the library, and prints. Errors come from the one hierarchy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ctkit.cli.options import DEFAULT_DATA_DIR, DataDir
from ctkit.settings import load_settings

DEMO_CASES = 2000
keys_app = typer.Typer(help="Manage field-encryption keys.\n\nExample: ctkit keys rotate", no_args_is_help=True)


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Progress]:
    """A Rich progress bar on standard error (so that standard output stays machine-readable)."""
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        progress.add_task(description, total=total)
        yield progress


def _settings(data_dir):
    return load_settings(data_dir)


def init(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Create the data directory: SQLite store (migrated to the newest schema) and key file (mode 0600).

    Safe to run again: existing keys are kept and the schema is only migrated forward.

    Example: ctkit init --data-dir ./ctkit-data
    """
    from ctkit.store import init_store

    settings = _settings(data_dir)
    created = init_store(settings)
    typer.echo(f"store ready in {settings.data_dir}")
    if created:
        typer.echo(f"new key file {settings.resolved_key_file} (mode 0600): back it up, without it the "
                   "personal data cannot be read")


def demo_data(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    cases: int = typer.Option(DEMO_CASES, "--cases", min=1, help="Number of synthetic cases to add."),
    seed: int = typer.Option(1, "--seed", help="Random seed; the same seed gives the same cases."),
    batch: int = typer.Option(2000, "--batch", min=1, help="Cases generated and written per batch."),
    fast: bool = typer.Option(False, "--fast", help="Columnar generator for benchmark volumes (millions of "
                              "cases): thinner cases (no transit legs, services, consents or proceedings)."),
) -> None:
    """Add synthetic demo cases (Kaliningrad patterns, Faker names: never a real person), all or nothing.

    Example: ctkit demo-data --cases 5000 --seed 7
    """
    load_demo_cases(_settings(data_dir), cases, seed, batch, fast=fast)


def load_demo_cases(settings, cases: int, seed: int, batch: int = 2000, *, fast: bool = False) -> None:
    from ctkit.demo import load_demo
    from ctkit.demo.loader import load_columnar
    from ctkit.store import open_store

    load = load_columnar if fast else load_demo
    with open_store(settings) as store, progress_bar("synthetic cases", cases) as bar:
        stats = load(store, cases, seed, batch=max(batch, 20_000) if fast else batch,
                     progress=lambda done: bar.update(bar.task_ids[0], completed=done))
    typer.echo(f"added {stats.observed} synthetic cases (seed {seed}; {stats.population} people drawn, "
               f"{stats.population - stats.observed} seen by no agency)")


def stats(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of tables."),
) -> None:
    """Summarise the store: counts of cases, persons, organisations, and breakdowns (no personal data).

    Example: ctkit stats --json
    """
    from ctkit.store import open_store
    from ctkit.store.stats import store_stats

    with open_store(_settings(data_dir)) as store:
        summary = store_stats(store.engine)
    if as_json:
        typer.echo(json.dumps(summary, sort_keys=True))
        return
    print_stats(summary)


def print_stats(summary: dict) -> None:
    console = Console()
    totals = Table(title="ctkit store")
    totals.add_column("what")
    totals.add_column("count", justify="right")
    for key in ("cases", "persons", "organisations", "events"):
        totals.add_row(key, f"{summary[key]:,}")
    console.print(totals)
    for key, title in (("by_form", "Cases by form of exploitation"), ("by_year", "Cases by year of registration"),
                       ("by_recording_agency", "Cases by recording agency"),
                       ("persons_by_number_of_agencies", "Persons by number of agencies recording them"),
                       ("by_lifecycle_stage", "Cases by lifecycle stage reached")):
        table = Table(title=title)
        table.add_column(key.removeprefix("by_").removeprefix("persons_by_"))
        table.add_column("count", justify="right")
        for name, count in summary[key].items():
            table.add_row(name, f"{count:,}")
        console.print(table)


@keys_app.command("rotate")
def rotate(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Re-encrypt all personal data and TOTP secrets under a fresh key in one transaction, then retire the old key.

    Example: ctkit keys rotate --data-dir ./ctkit-data
    """
    from ctkit.store import open_store, rotate_keys

    with open_store(_settings(data_dir)) as store, progress_bar("re-encrypting persons", None) as bar:
        task = bar.task_ids[0]
        done = rotate_keys(store.engine, store.keys,
                           progress=lambda done, total: bar.update(task, completed=done, total=total))
    typer.echo(f"rotated to key {done.key_id}: {done.persons} persons, {done.perpetrators} perpetrators and "
               f"{done.totp_secrets} TOTP secrets re-encrypted")


def demo(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    cases: int = typer.Option(DEMO_CASES, "--cases", min=1, help="Synthetic cases to load into an empty store."),
    seed: int = typer.Option(1, "--seed", help="Random seed of the demo data."),
) -> None:
    """The demo: initialise the store if needed; if it is empty, load synthetic cases (some people recorded
    separately by two or three agencies), link them and load the pairs to review (/links); summarise the store.

    Example: ctkit demo --data-dir ./ctkit-data
    """
    from ctkit.store import init_store, open_store
    from ctkit.store.stats import store_stats

    settings = _settings(data_dir)
    init_store(settings)
    with open_store(settings) as store:
        empty = store.cases.count() == 0
    if empty:
        _build_demo(settings, cases, seed)
    else:
        typer.echo(f"{settings.data_dir} already holds cases: kept as they are (`make clean-demo` deletes it)")
    with open_store(settings) as store:
        print_stats(store_stats(store.engine))
    typer.echo(f"\nThe demo store is in {settings.data_dir}. Next:\n"
               f"  ctkit serve --demo --data-dir {settings.data_dir}   # the web app; pairs to review on /links\n"
               f"  ctkit estimate --from-store --data-dir {settings.data_dir}   # linked persons counted once\n"
               f"  ctkit stats --data-dir {settings.data_dir} --json   # the counts as JSON\n"
               f"  ctkit --help   # every command")


def _build_demo(settings, cases: int, seed: int) -> None:
    """Load the demo cases, link them into the review queue, and create the demo accounts with pairs to decide."""
    import time

    from ctkit.demo import load_demo
    from ctkit.demo.links import assign_reviews, link_demo_store
    from ctkit.demo.records import DEMO_REPEAT_RECORDS, DEMO_SEPARATE_RECORDS
    from ctkit.errors import ValidationError
    from ctkit.store import open_store
    from ctkit.store.accounts import ensure_tables
    from ctkit.web.demo_accounts import ensure_demo_accounts

    err = Console(stderr=True)
    with open_store(settings) as store, progress_bar("synthetic cases", cases) as bar:
        stats = load_demo(store, cases, seed, separate_records=DEMO_SEPARATE_RECORDS,
                          repeat_records=DEMO_REPEAT_RECORDS,
                          progress=lambda done: bar.update(bar.task_ids[0], completed=done))
    typer.echo(f"added {stats.cases} synthetic cases of {stats.observed} people (seed {seed}; {stats.population} "
               f"people drawn, {stats.population - stats.observed} seen by no agency)")
    started = time.perf_counter()
    with open_store(settings) as store:
        try:
            summary = link_demo_store(store, seed=seed, progress=lambda step: err.print(f"linkage: {step}"))
        except ValidationError as exc:
            typer.echo(f"no link review queue: {exc.message}")
            return
        ensure_tables(store.engine)
        ensure_demo_accounts(store)  # `ctkit serve --demo` gives them fresh passwords and prints them
        assigned = {name: assign_reviews(store, username=name)
                    for name in ("demo_case_worker", "demo_other_case_worker")}
    typer.echo(f"linked in {time.perf_counter() - started:.0f} s: {summary.model_links} model links, "
               f"{summary.pending} pairs to review ({summary.cross_organisation} join two organisations' cases); "
               + ", ".join(f"{name} assigned {n}" for name, n in assigned.items()))


def register(app: typer.Typer) -> None:
    """Add the store commands to the ``ctkit`` app."""
    app.command("init")(init)
    app.command("demo-data")(demo_data)
    app.command("stats")(stats)
    app.add_typer(keys_app, name="keys")
    app.command("demo")(demo)
