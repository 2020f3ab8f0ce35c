"""Options shared by every command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DataDir = Annotated[
    Path,
    typer.Option(
        "--data-dir",
        envvar="CTKIT_DATA_DIR",
        help="Data directory (SQLite store, key file, snapshots).",
        show_default=True,
    ),
]
DEFAULT_DATA_DIR = Path("./ctkit-data")
