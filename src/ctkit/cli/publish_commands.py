"""Publication commands: ``publish <table>`` (official aggregate tables) and ``publish budget set|show``.

Thin: parse options, open the snapshot as ``analyse`` and ``report`` do, call ``ctkit.share.formats.official``.
A release is written all-or-nothing; messages and progress go to standard error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ctkit.cli.analyse_commands import Ctdc, SnapshotDir
from ctkit.cli.options import DEFAULT_DATA_DIR, DataDir

publish_app = typer.Typer(
    help="Publish official aggregate tables through disclosure control (k-anonymity or differential privacy).\n\n"
         "Example: ctkit publish unodc --mode k-anon --country RUS --out unodc.csv",
    no_args_is_help=True,
)
budget_app = typer.Typer(
    help="The privacy budget of a data set: agree it, and see what is spent.\n\n"
         "Example: ctkit publish budget set cases --epsilon 3 --delta 1e-6",
    no_args_is_help=True,
)

Mode = Annotated[str, typer.Option("--mode", help="k-anon (threshold and round) or dp (differential privacy).")]
Country = Annotated[str, typer.Option("--country", help="Reporting country (country of detection), ISO alpha-3.")]
Out = Annotated[Path, typer.Option("--out", "-o", help="A .csv file, or a folder for <table>.csv; a .json sidecar "
                                                       "beside it states the disclosure parameters.")]
K = Annotated[int | None, typer.Option("--k", help="k-anon: smallest published cell (default: setting, 10).")]
Epsilon = Annotated[float | None, typer.Option("--epsilon", help="dp: privacy loss charged to the data set.")]
Delta = Annotated[float, typer.Option("--delta", help="dp: delta (0 = pure epsilon-DP, discrete Laplace).")]
Dataset = Annotated[str, typer.Option("--dataset", help="dp: the ledger's data set name the release is charged to.")]
YearFrom = Annotated[int | None, typer.Option("--year-from", help="First registration year (dp: required).")]
YearTo = Annotated[int | None, typer.Option("--year-to", help="Last registration year (dp: required).")]
MaxYears = Annotated[int | None, typer.Option(
    "--max-years-per-person", help="dp: most victim-years one person counts in (L; noise scales with it). "
                                   "Default: every year of the release.")]
Population = Annotated[Path | None, typer.Option("--population", help="unodc: CSV country,year,population to add "
                                                                      "the SDG 16.2.2 rate per 100,000.")]
DEFAULT_DATASET = "cases"


def _years(year_from: int | None, year_to: int | None) -> tuple[int, int] | None:
    from ctkit.errors import ValidationError

    if year_from is None and year_to is None:
        return None
    if year_from is None or year_to is None:
        raise ValidationError("give both --year-from and --year-to (or neither)")
    return year_from, year_to


def _stderr():
    from rich.console import Console

    return Console(stderr=True)


def _ledger(data_dir: Path):
    from ctkit.settings import load_settings
    from ctkit.share.disclosure import PrivacyLedger
    from ctkit.store import open_store

    store = open_store(load_settings(data_dir))
    return store, PrivacyLedger(store.engine)


def _release(name: str, data_dir: Path, ctdc: Path | None, snapshot: Path | None, out: Path, **options) -> None:
    from ctkit.cli.analyse_commands import _open, _policy
    from ctkit.share.formats.official import DpSettings, publish_official, publish_to

    err = _stderr()
    mode, epsilon, delta, dataset = options.pop("mode"), options.pop("epsilon"), options.pop("delta"), \
        options.pop("dataset")
    max_years = options.pop("max_years")
    if mode == "k-anon":
        options["k"] = _policy(data_dir, options["k"]).k
    store = None
    try:
        if mode == "dp":
            store, ledger = _ledger(data_dir)
            options["dp"] = DpSettings(epsilon=epsilon, delta=delta, dataset=dataset, ledger=ledger,
                                       max_years_per_person=max_years)
        with err.status("opening the snapshot"):
            snap = _open(data_dir, ctdc, snapshot)
            csv_path, json_path, release = publish_to(out, name, lambda: publish_official(
                snap, name, mode=mode, progress=lambda step: err.print(f"{name}: {step}"), **options))
    finally:
        if store is not None:
            store.engine.dispose()
    disclosure = release.metadata["disclosure"]
    how = f"k={disclosure['k']}" if mode == "k-anon" else \
        f"epsilon={disclosure['epsilon']:g}, delta={disclosure['delta']:g} charged to '{disclosure['dataset']}', " \
        f"at most {disclosure['max_years_per_person']} year(s) per person"
    typer.echo(f"{name}: {len(release.frame)} rows written to {csv_path} ({how}; release {disclosure['release_id']});"
               f" parameters in {json_path}")


def _table_command(name: str, title: str, rates: bool):
    def command(
        country: Country, out: Out, mode: Mode = "k-anon", k: K = None, epsilon: Epsilon = None, delta: Delta = 0.0,
        dataset: Dataset = DEFAULT_DATASET, year_from: YearFrom = None, year_to: YearTo = None,
        max_years: MaxYears = None, population: Population = None, data_dir: DataDir = DEFAULT_DATA_DIR,
        snapshot: SnapshotDir = None, ctdc: Ctdc = None,
    ) -> None:
        from ctkit.errors import ValidationError

        if mode == "dp" and k is not None:
            raise ValidationError("--k applies to --mode k-anon only")
        if mode == "dp" and epsilon is None:
            raise ValidationError("--mode dp needs --epsilon (the privacy loss charged to --dataset)")
        if mode != "dp" and (epsilon is not None or delta or max_years is not None):
            raise ValidationError("--epsilon, --delta and --max-years-per-person apply to --mode dp only")
        _release(name, data_dir, ctdc, snapshot, out, mode=mode, k=k, epsilon=epsilon, delta=delta,
                 dataset=dataset, max_years=max_years, country=country, years=_years(year_from, year_to),
                 population=population)

    extra = " --population population.csv" if rates else ""
    command.__doc__ = (f"{title}.\n\nReads the snapshot (run 'ctkit snapshot' first) and writes a long CSV plus a "
                       f"JSON sidecar, all or nothing. In dp mode the release is charged to the data set's privacy "
                       f"budget ('ctkit publish budget set' first); over budget, nothing is written.\n\n"
                       f"Example: ctkit publish {name} --mode k-anon --k 10 --country RUS --out {name}.csv{extra}\n\n"
                       f"Example: ctkit publish {name} --mode dp --epsilon 0.5 --dataset cases --year-from 2020 "
                       f"--year-to 2024 --country RUS --out out/")
    command.__name__ = name
    return command


def synthetic_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="A new folder for synthetic.csv, dp_aggregates.csv, "
                                                          "release.json (and utility_internal.csv).")],
    epsilon: Epsilon = None,
    delta: Annotated[float, typer.Option("--delta", help="dp: delta, below 1 / number of records.")] = 1e-6,
    dataset: Dataset = DEFAULT_DATASET, mode: Mode = "dp",
    reporting_length: Annotated[int, typer.Option("--reporting-length", help="Longest attribute combination "
                                                                             "whose DP count is preserved.")] = 3,
    utility: Annotated[bool, typer.Option("--utility/--no-utility", help="Also write utility figures against the "
                                                                         "true data (for the reviewer only).")] = True,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    snapshot: Annotated[Path | None, typer.Option(
        "--snapshot", help="Read the cases from this pseudonymised snapshot folder instead of the store (the "
                           "ledger stays the data directory's).")] = None,
) -> None:
    """Release differentially private synthetic microdata in the CTDC synthetic v2 layout (as CTDC publishes).

    The true data are the store's cases, or a pseudonymised snapshot's with --snapshot. Charged to the data set's
    privacy budget; over budget, or if --out exists, nothing is written or charged. utility_internal.csv is
    computed on the true data: review it, do not publish it.

    Example: ctkit publish synthetic --mode dp --epsilon 1 --delta 1e-6 --dataset cases --out release-2026/

    Example: ctkit publish synthetic --epsilon 1 --snapshot data/snapshot --dataset cases --out release-2026/
    """
    from ctkit.errors import ValidationError
    from ctkit.share.disclosure.synthetic import release_synthetic, true_synthetic_table, write_synthetic_release

    if mode != "dp":
        raise ValidationError("synthetic microdata are released with --mode dp only",
                              hint="for k-anonymised real records in the same layout: ctkit export --format "
                                   "ctdc-synthetic --output FILE")
    if epsilon is None:
        raise ValidationError("--mode dp needs --epsilon (the privacy loss charged to --dataset)")
    if Path(out).exists():
        raise ValidationError(f"{out} exists: a release is written to a new folder")
    err = _stderr()
    store, ledger = _ledger(data_dir)
    try:
        with err.status("reading the cases"):
            true_table, source = _snapshot_table(snapshot) if snapshot is not None else (
                true_synthetic_table(store.engine), "store")
        release = release_synthetic(true_table, dataset=dataset, epsilon=epsilon, delta=delta, ledger=ledger,
                                    reporting_length=reporting_length, progress=lambda step: err.print(step),
                                    true_data=source)
    finally:
        store.engine.dispose()
    folder = write_synthetic_release(release, out, include_utility=utility)
    typer.echo(f"synthetic: {len(release.records)} records written to {folder} (epsilon={epsilon:g}, "
               f"delta={delta:g} charged to '{dataset}'; release {release.release_id})")


def _snapshot_table(folder: Path):
    """The snapshot's cases as CTDC synthetic v2 columns, and how the release states its source."""
    from ctkit.analyse import Snapshot
    from ctkit.share.disclosure.snapshot_table import snapshot_synthetic_table
    from ctkit.share.formats.official.release import snapshot_id

    snap = Snapshot.open(folder)
    try:
        snap.require_cases()
        return snapshot_synthetic_table(snap), f"snapshot {snapshot_id(snap)} ({snap.source})"
    finally:
        snap.close()


@budget_app.command("set")
def budget_set(
    dataset: Annotated[str, typer.Argument(help="Data set name (the --dataset of 'ctkit publish ... --mode dp').")],
    epsilon: Annotated[float, typer.Option("--epsilon", help="Total epsilon agreed for every release together.")],
    delta: Annotated[float, typer.Option("--delta", help="Total delta agreed (0 for pure epsilon-DP).")] = 0.0,
    accounting: Annotated[str | None, typer.Option(
        "--accounting", help="How releases add up: zcdp (Gaussian releases compose in zCDP; the default for a new "
                             "budget) or basic (epsilons and deltas add up). Default: keep the current one.")] = None,
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Agree (or change) the total privacy budget of a data set; a total below what is spent is refused.

    Example: ctkit publish budget set cases --epsilon 3 --delta 1e-6 --accounting zcdp
    """
    store, ledger = _ledger(data_dir)
    try:
        ledger.set_budget(dataset, epsilon=epsilon, delta=delta, accounting=accounting)
        budget = ledger.budget(dataset)
    finally:
        store.engine.dispose()
    typer.echo(f"budget of '{dataset}': epsilon={epsilon:g}, delta={delta:g} ({budget.accounting} accounting)")


@budget_app.command("show")
def budget_show(
    dataset: Annotated[str, typer.Argument(help="Data set name.")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Show a data set's agreed budget, what is spent and left, and every release charged to it.

    Example: ctkit publish budget show cases
    """
    store, ledger = _ledger(data_dir)
    try:
        budget, releases = ledger.budget(dataset), ledger.releases(dataset)
    finally:
        store.engine.dispose()
    basic, zcdp, in_force = budget.basic, budget.zcdp, budget.in_force
    typer.echo(f"{dataset}: agreed epsilon={budget.epsilon:g}, delta={budget.delta:g} ({budget.accounting} "
               f"accounting); spent epsilon={in_force.epsilon:g}, delta={in_force.delta:g}; left "
               f"epsilon={max(0.0, budget.epsilon - in_force.epsilon):g}")
    typer.echo(f"  basic composition: spent epsilon={basic.epsilon:g}, delta={basic.delta:g}; left "
               f"epsilon={budget.remaining_epsilon:g}, delta={budget.remaining_delta:g}")
    typer.echo(f"  zCDP composition: rho={zcdp.rho:g}; spent epsilon={zcdp.epsilon:g} at delta={zcdp.delta:g}"
               + ("" if budget.accounting == "zcdp" else " (shown only: this budget uses basic accounting)"))
    for entry in releases:
        rho = "" if entry.rho is None else f" rho={entry.rho:g}"
        typer.echo(f"  {entry.created_at:%Y-%m-%d %H:%M} {entry.release_id} {entry.product} "
                   f"epsilon={entry.epsilon:g} delta={entry.delta:g}{rho} ({entry.mechanism})")


def register(app: typer.Typer) -> None:
    """Add ``ctkit publish`` (one command per registered official table, and ``budget``) to the app."""
    from ctkit.share.formats.official import official_table, table_names

    for name in table_names():
        table = official_table(name)
        publish_app.command(name)(_table_command(name, table.title, table.rates))
    publish_app.command("synthetic")(synthetic_command)
    publish_app.add_typer(budget_app, name="budget")
    app.add_typer(publish_app, name="publish")
