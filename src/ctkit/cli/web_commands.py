"""``ctkit serve`` (the web app on uvicorn) and ``ctkit audit verify`` (check the audit trail's hash chain)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from ctkit.cli.options import DEFAULT_DATA_DIR, DataDir
from ctkit.errors import ConfigurationError, ConflictError

audit_app = typer.Typer(help="The audit trail.\n\nExample: ctkit audit verify --data-dir ./ctkit-data",
                        no_args_is_help=True)
DEMO_CASES = 500


def _demo_store(settings):
    from ctkit.demo.loader import load_demo
    from ctkit.store.accounts import ensure_tables
    from ctkit.store.datastore import init_store, open_store
    from ctkit.web.demo_accounts import ensure_demo_accounts

    init_store(settings)
    store = open_store(settings)
    ensure_tables(store.engine)
    if store.cases.count() == 0:
        load_demo(store, DEMO_CASES)
    accounts = ensure_demo_accounts(store)
    typer.echo("Demo accounts (passwords are shown once; enrol the TOTP secret in an authenticator app):")
    for a in accounts:
        typer.echo(f"  {a.username:<26} {a.role:<14} password {a.password}  totp {a.totp_secret}")
    return store


def _production_store(settings):
    from ctkit.store.accounts import ensure_tables
    from ctkit.store.datastore import open_store
    from ctkit.web.demo_accounts import has_demo_accounts

    if not settings.master_key and not settings.resolved_key_file.is_file():
        raise ConfigurationError(f"no key file at {settings.resolved_key_file}",
                                 hint="run `ctkit init` first, or start the demo with --demo")
    store = open_store(settings)
    ensure_tables(store.engine)
    if has_demo_accounts(store):
        store.close()
        raise ConfigurationError("this store has demo accounts; refusing to serve it without --demo",
                                 hint="use a fresh data directory for real work")
    return store


# httptools (HTTP parsing in C) and uvloop (event loop on libuv) when installed, else h11 and asyncio: the load test
# measured 1.3 to 1.7 ms less server CPU per request with them (a quarter of the total).
_FAST_IO = {"http": "auto", "loop": "auto"}


def serve(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    demo: Annotated[bool, typer.Option("--demo", help="Demo data and demo accounts (never for real data).")] = False,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (one per CPU core).")] = 1,
) -> None:
    """Run the web application with uvicorn.

    Example: ctkit serve --demo --port 8000
    """
    import uvicorn

    from ctkit.settings import load_settings
    from ctkit.web import create_app

    settings = load_settings(data_dir, demo=True if demo else None)
    store = _demo_store(settings) if demo else _production_store(settings)
    if workers > 1:
        # Each worker process builds its own app from the environment (the checks above ran once, here).
        store.close()
        os.environ["CTKIT_DATA_DIR"] = str(settings.data_dir)
        if demo:
            os.environ["CTKIT_DEMO"] = "true"
        uvicorn.run("ctkit.web.app:app_from_env", factory=True, workers=workers, host=host, port=port,
                    log_level="info", server_header=False, **_FAST_IO)
        return
    try:
        uvicorn.run(create_app(settings, store), host=host, port=port, log_level="info", server_header=False,
                    **_FAST_IO)
    finally:
        store.close()


@audit_app.command("verify")
def audit_verify(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Recompute the audit trail's hash chain; exit 6 and name the first broken row if it was altered.

    Example: ctkit audit verify --data-dir ./ctkit-data
    """
    from ctkit.settings import load_settings
    from ctkit.store.accounts import ensure_tables
    from ctkit.store.audit import verify_chain
    from ctkit.store.datastore import open_store

    with open_store(load_settings(data_dir)) as store:
        ensure_tables(store.engine)
        report = verify_chain(store.engine)
    if not report.ok:
        raise ConflictError(f"audit trail broken at event {report.first_bad_seq}: {report.problem}",
                            hint=f"{report.checked} events before it are intact")
    typer.echo(f"audit trail intact: {report.checked} events")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(audit_app, name="audit")
