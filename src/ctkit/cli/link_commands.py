"""``ctkit link`` (linkage inside a country) and ``ctkit share encode|match|resolve|secret`` (across borders).

Commands parse arguments and call :mod:`ctkit.share.link`; outputs hold record ids and scores, never names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ctkit.cli.options import DEFAULT_DATA_DIR, DataDir
from ctkit.errors import ValidationError

__all__ = ["register"]

link_app = typer.Typer(
    help="Link person records across agencies (Splink, Fellegi-Sunter).\n\n"
    "Example: ctkit link run police.csv ngo.csv --out linked/",
    no_args_is_help=True,
)
_err = Console(stderr=True)


@link_app.command("run")
def link_run(
    registers: Annotated[
        list[Path] | None, typer.Argument(help="Register files (CSV/Parquet), one per list.")
    ] = None,
    out: Annotated[
        Path, typer.Option(help="Output folder (clusters.csv, uncertain.csv, params.json, result/).")
    ] = Path("linked"),
    params: Annotated[Path | None, typer.Option(help="Trained parameters; trains on the input when absent.")] = None,
    accept: Annotated[float | None, typer.Option(
        help="Fixed match probability at or above which a pair is a link; default: calibrated on this data set "
             "so that the model expects --target-precision of the links to be true.")] = None,
    target_precision: Annotated[float, typer.Option(
        help="Precision the calibrated threshold aims for (ignored with --accept).", min=0.5, max=1.0)] = 0.99,
    review: Annotated[float, typer.Option(help="Lowest match probability listed for review.")] = 0.5,
    capture_histories: Annotated[Path | None, typer.Option(help="Write capture histories (estimation CSV).")] = None,
    seed: Annotated[int, typer.Option(help="Seed for training samples.")] = 1,
    from_store: Annotated[
        bool, typer.Option("--from-store", help="Link the store's cases (decrypted in memory) instead of files.")
    ] = False,
    to_store: Annotated[
        bool, typer.Option("--to-store", help="Load the pairs into the store's review queue (record ids: case ids).")
    ] = False,
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Train (or load) the model, link the registers, write linked persons and pairs for review.

    Register columns: record_id, first_name, last_name, birth_date, sex, nationality, place_of_origin; optional
    middle_name (patronymic) and document_number (several separated by ";") with document_country, compared
    when enough records carry them. A link that would chain two records the model tells apart into one person
    is held back for review.

    With --from-store the store's cases are the records (one list per recording agency); with --to-store the
    links and the pairs to review go to the store, where case workers decide them on the /links page.

    Example: ctkit link run police.csv ngo.csv --out linked/ --capture-histories histories.csv

    Example: ctkit link run --from-store --to-store --data-dir ./ctkit-data --out linked/
    """
    from ctkit.share.link import (
        TrainedParameters,
        link,
        prepare_records,
        read_registers,
        train,
        write_capture_histories,
    )  # fmt: skip
    from ctkit.share.link import (
        capture_histories as histories,
    )

    if bool(registers) == from_store:
        raise ValidationError("give register files or --from-store, not both or neither")
    with _err.status("reading and normalising registers"):
        records = prepare_records(_store_register(data_dir) if from_store else read_registers(registers or []))
    if params is None:
        with _err.status(f"training the model on {len(records)} records (EM)"):
            trained = train(records, seed=seed)
    else:
        trained = TrainedParameters.load(params)
    with _err.status("scoring candidate pairs and clustering"):
        result = link(records, trained, accept=accept, review=review, target_precision=target_precision)
        clusters = result.clusters()
    out.mkdir(parents=True, exist_ok=True)
    trained.save(out / "params.json")
    clusters.to_csv(out / "clusters.csv", index=False)
    result.uncertain().to_csv(out / "uncertain.csv", index=False)
    result.save(out / "result")  # what a review session (ReviewQueue over LinkResult.load) starts from
    if capture_histories is not None:
        write_capture_histories(histories(clusters, lists=list(dict.fromkeys(records["list"]))), capture_histories)
    persons = clusters["person_id"].nunique()
    _err.print(f"{len(records)} records -> {persons} persons; links at match probability >= {result.accept:.3f}; "
               f"{len(result.uncertain())} pairs to review")
    if to_store:
        _queue(result, trained, data_dir)


@link_app.command("queue")
def link_queue(
    result_dir: Annotated[Path, typer.Argument(help="Output folder of 'ctkit link run' (result/, params.json).")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Load a linkage run over the store's cases into its review queue (all or nothing).

    Record ids must be case ids of this store (registers from --from-store, or exported with case ids). Links
    above the run's threshold join persons at once; the pairs between the thresholds wait for a reviewer. A
    newer run replaces the model's links and undecided pairs; decisions people took are kept.

    Example: ctkit link queue linked/ --data-dir ./ctkit-data
    """
    from ctkit.share.link import LinkResult, TrainedParameters

    params = result_dir / "params.json"
    if not params.exists():
        raise ValidationError(f"no params.json in {result_dir}: give the output folder of 'ctkit link run'")
    _queue(LinkResult.load(result_dir / "result"), TrainedParameters.load(params), data_dir)


def _store_register(data_dir: Path):
    from ctkit.settings import load_settings
    from ctkit.share.link.from_store import store_register
    from ctkit.store import open_store

    with open_store(load_settings(data_dir)) as store:  # the caller shows the progress line
        return store_register(store)


def _queue(result, params, data_dir: Path) -> None:
    from ctkit.settings import load_settings
    from ctkit.share.link.review_store import queue_run
    from ctkit.store import open_store

    with open_store(load_settings(data_dir)) as store, _err.status("loading pairs into the review queue"):
        summary = queue_run(store.engine, result, params)
    _err.print(f"review queue: {summary.pending} pairs to review, {summary.model_links} model links, "
               f"{summary.kept_decisions} earlier decisions kept (run {summary.run_id})")
    if summary.cross_organisation:
        _err.print(f"{summary.cross_organisation} pairs to review join two organisations' cases: only a reviewer "
                   "who may see both cases (e.g. after an accepted referral) can decide them")


@link_app.command("generate")
def link_generate(
    out: Annotated[Path, typer.Option(help="Output folder for <list>.parquet and truth.parquet.")],
    records: Annotated[int, typer.Option(help="About how many records in all.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    identifiers: Annotated[bool, typer.Option(
        help="Also record patronymics and identity documents where agencies would (columns stay, empty, without).")
    ] = True,
    surnames: Annotated[str, typer.Option(
        help="Surname pool: 'long_tail' (20,000 per locale and sex, realistic shares) or 'faker' (Faker's few "
             "hundred, as before: far more namesakes; reproduces earlier figures).")
    ] = "long_tail",
) -> None:
    """Generate synthetic linked registers with realistic errors and known true matches.

    Example: ctkit link generate --out synthetic/ --records 100000 --no-identifiers
    """
    from ctkit.share.link import GeneratorConfig, write_registers

    with _err.status("generating"):
        cfg = GeneratorConfig(n_records=records, seed=seed, identifiers=identifiers, surnames=surnames)
        paths = write_registers(cfg, out)
    _err.print(f"wrote {len(paths)} files to {out}")


def _share_app(app: typer.Typer) -> typer.Typer:
    """The ``share`` group: reuse one another module registered, else create it."""
    for group in app.registered_groups:
        if group.name == "share" and group.typer_instance is not None:
            return group.typer_instance
    share = typer.Typer(
        help="Exchange data safely with partners.\n\nExample: ctkit share match a.parquet b.parquet --out m.csv",
        no_args_is_help=True,
    )
    app.add_typer(share, name="share")
    return share


def encode(
    register: Annotated[Path, typer.Argument(help="The holder's register (CSV/Parquet).")],
    secret: Annotated[Path, typer.Option(help="The per-project secret file (never give it to the hub).")],
    out: Annotated[Path, typer.Option(help="Encodings to send to the hub (Parquet).")],
    keep: Annotated[Path, typer.Option(help="Private map of random ids to own records: keep it.")],
) -> None:
    """Encode a register as hardened Bloom filters (holder).

    Example: ctkit share encode police.csv --secret project.secret --out police.enc.parquet --keep police.keep.parquet
    """
    from ctkit.share.link import EncodingSettings, encode_file, load_secret, read_register

    with _err.status("encoding"):
        meta = encode_file(read_register(register), load_secret(secret), EncodingSettings(), out, keep)
    _err.print(f"{meta.records} encodings (fakes included); fingerprint {meta.fingerprint}")


def match(
    encodings_a: Annotated[Path, typer.Argument(help="First holder's encodings.")],
    encodings_b: Annotated[Path, typer.Argument(help="Second holder's encodings.")],
    out: Annotated[Path, typer.Option(help="Match file (CSV): pair_ref, rid_a, rid_b, band.")],
    expect_fingerprint: Annotated[str | None, typer.Option(help="Refuse encodings without this fingerprint.")] = None,
) -> None:
    """Compare two holders' encodings (hub); returns random-id pairs and a score band only.

    Example: ctkit share match police.enc.parquet foreign.enc.parquet --out matches.csv
    """
    from ctkit.share.link import match_files

    with _err.status("matching"):
        pairs = match_files(encodings_a, encodings_b, expected_fingerprint=expect_fingerprint)
    pairs.to_csv(out, index=False)
    _err.print(f"{len(pairs)} pairs")


def resolve_cmd(
    matches: Annotated[Path, typer.Argument(help="The hub's match file.")],
    keep: Annotated[Path, typer.Option(help="This holder's private map from 'share encode'.")],
    out: Annotated[Path, typer.Option(help="Own matched records (CSV): pair_ref, record_id, band.")],
) -> None:
    """Learn which of your own records matched (holder); fake records are dropped.

    Example: ctkit share resolve matches.csv --keep police.keep.parquet --out police.matched.csv
    """
    import pandas as pd

    from ctkit.share.link import resolve

    own = resolve(pd.read_csv(matches, dtype=str), pd.read_parquet(keep))
    own.to_csv(out, index=False)
    _err.print(f"{len(own)} own records matched")


def secret_cmd(out: Annotated[Path, typer.Option(help="Where to write the new secret (mode 0600).")]) -> None:
    """Create a per-project secret for encodings; share it only with the other holders.

    Example: ctkit share secret --out project.secret
    """
    from ctkit.share.link import create_secret

    create_secret(out)
    _err.print(f"secret written to {out}")


def register(app: typer.Typer) -> None:
    """Add ``link`` and the record-linkage commands of ``share`` to the ctkit app."""
    app.add_typer(link_app, name="link")
    share = _share_app(app)
    share.command("encode")(encode)
    share.command("match")(match)
    share.command("resolve")(resolve_cmd)
    share.command("secret")(secret_cmd)
