"""The per-project secret that holders share (and the hub never sees): creation and loading.

Stored as 64 hex characters in a file readable by its owner only (mode 0600), like ctkit's other key files.

Example:
    >>> # path = create_secret(Path("project.secret")); key = load_secret(path)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ctkit.errors import KeyMaterialError
from ctkit.share.link.clk import MIN_KEY

__all__ = ["create_secret", "load_secret"]


def create_secret(path: Path) -> Path:
    """Write a new random secret to ``path`` (mode 0600); refuses to overwrite an existing file."""
    if path.exists():
        raise KeyMaterialError("a secret file already exists at this path; refusing to overwrite it")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(MIN_KEY) + "\n")
    return path


def load_secret(path: Path) -> bytes:
    """The secret bytes from ``path``; raises ``KeyMaterialError`` when missing, malformed or too short."""
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KeyMaterialError("the project secret file is missing or not hex text") from exc
    if len(key) < MIN_KEY:
        raise KeyMaterialError(f"the project secret must hold at least {MIN_KEY} bytes")
    return key
