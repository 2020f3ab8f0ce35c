"""Reading agency registers (CSV or Parquet) into one frame for linkage; writing linkage outputs.

Each file is one list; its name is the file stem unless given. Every column is read as text so that record
ids and dates keep the form the agency typed.

Example:
    >>> # frame = read_registers([Path("police.csv"), Path("ngo.parquet")])
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ctkit.errors import ImportFormatError, ValidationError

__all__ = ["read_register", "read_registers"]


def read_register(path: Path) -> pd.DataFrame:
    """One register as a frame of strings (None for empty cells); raises ``ImportFormatError`` if unreadable."""
    try:
        if path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise ImportFormatError(f"cannot read register {path.name}") from exc
    frame = frame.astype(object)
    return frame.where(frame.notna() & (frame != ""), None)


def read_registers(paths: Sequence[Path], names: Sequence[str] | None = None) -> pd.DataFrame:
    """All registers concatenated with a ``list`` column; list names must be distinct."""
    names = list(names) if names else [p.stem.split(".")[0] for p in paths]
    if len(names) != len(paths) or len(set(names)) != len(names):
        raise ValidationError("each register needs a distinct list name (rename the files or pass names)")
    frames = [read_register(p).assign(list=name) for p, name in zip(paths, names, strict=True)]
    return pd.concat(frames, ignore_index=True)
