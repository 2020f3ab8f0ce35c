"""The ``ctkit`` command line: a thin Typer app, one module of commands per capability.

Each module in ``COMMAND_MODULES`` exposes ``register(app)``; commands parse arguments and call the library.
Errors from the one hierarchy become a message on standard error and the exit code that class names.
"""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console

from ctkit.errors import CtkitError, exit_code_for

app = typer.Typer(
    name="ctkit",
    help="Counter-trafficking information system.\n\nExample: ctkit init && ctkit demo-data --cases 500 && ctkit stats",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

@app.callback()
def root() -> None:
    """Counter-trafficking information system: screening, case records, analysis, estimation, sharing.

    Example: ctkit init && ctkit demo-data --cases 500 && ctkit stats
    """


# Order is the order in `ctkit --help`.
COMMAND_MODULES: list[str] = [
    "ctkit.cli.screen_commands",
    "ctkit.cli.store_commands",
    "ctkit.cli.format_commands",
    "ctkit.cli.extract_commands",
    "ctkit.cli.web_commands",
    "ctkit.cli.link_commands",
    "ctkit.cli.analyse_commands",
    "ctkit.cli.estimate_commands",
    "ctkit.cli.publish_commands",
]

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


@app.command("version")
def version() -> None:
    """Print the ctkit version.

    Example: ctkit version
    """
    from ctkit import __version__

    typer.echo(__version__)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``ctkit`` script."""
    err = Console(stderr=True)
    try:
        app(args=argv, standalone_mode=False)
    except CtkitError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        sys.exit(exit_code_for(exc))
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - click usage errors arrive here too
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
