"""Write an official release all-or-nothing: the long CSV and its sidecar JSON appear together or not at all."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ctkit.errors import ValidationError
from ctkit.share.formats.official.release import OfficialRelease


def targets(out: Path, table: str) -> tuple[Path, Path]:
    """(CSV, JSON) paths: ``out`` itself when it ends in .csv, else ``out/<table>.csv`` in a directory."""
    out = Path(out)
    csv_path = out if out.suffix.lower() == ".csv" else out / f"{table}.csv"
    return csv_path, csv_path.with_suffix(".json")


def publish_to(out: Path, table: str, make: Callable[[], OfficialRelease]) -> tuple[Path, Path, OfficialRelease]:
    """Run ``make`` and write its release to ``out``; on any error nothing is left behind.

    The target folder is checked writable before ``make`` runs (a DP release must not be charged for a file
    that cannot be written); files are written to temporary names beside the targets and renamed at the end.
    """
    csv_path, json_path = targets(out, table)
    folder = csv_path.parent
    if folder.exists() and not folder.is_dir():
        raise ValidationError(f"{folder} is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    temps = [_temp(folder, csv_path), _temp(folder, json_path)]
    try:
        release = make()
        release.frame.to_csv(temps[0], index=False)
        temps[1].write_text(json.dumps({**release.metadata, "file": csv_path.name, "rows": len(release.frame)},
                                       indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(temps[1], json_path)
        temps[1] = json_path  # a sidecar without its CSV must not stay behind either
        os.replace(temps[0], csv_path)
    except BaseException:
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise
    return csv_path, json_path, release


def _temp(folder: Path, target: Path) -> Path:
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ValidationError(f"cannot write to {folder}: {exc.strerror}") from None
    os.close(handle)
    return Path(name)
