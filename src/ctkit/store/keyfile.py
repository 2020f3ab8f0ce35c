"""The key file: JSON ``{"version": 1, "active": id, "keys": {id: base64}}``, mode 0600, written atomically."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ctkit.errors import KeyMaterialError
from ctkit.store.crypto import KeyRing, decode_key, encode_key, key_fingerprint, new_key

FORMAT_VERSION = 1


def _check_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyMaterialError(
            f"key file {path} is readable by other users (mode {mode:o})", hint=f"chmod 600 {path}"
        )


def write_keyring(path: Path, ring: KeyRing) -> None:
    """Write ``ring`` to ``path`` with mode 0600, atomically (a crash leaves the old or the new file)."""
    body = {"version": FORMAT_VERSION, "active": ring.active_id,
            "keys": {key_id: encode_key(key) for key_id, key in ring.keys.items()}}
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(body, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o600)  # O_CREAT's mode is masked by umask and ignored for an existing tmp file
    os.replace(tmp, path)


def read_keyring(path: Path) -> KeyRing:
    """The key ring in ``path``. Raises KeyMaterialError if missing, unreadable, malformed or not private."""
    if not path.is_file():
        raise KeyMaterialError(f"key file {path} does not exist", hint="run `ctkit init` or set CTKIT_MASTER_KEY")
    _check_private(path)
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        keys = {key_id: decode_key(text, f"{path} key '{key_id}'") for key_id, text in body["keys"].items()}
        return KeyRing(body["active"], keys)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyMaterialError(f"key file {path} is malformed ({type(exc).__name__})") from None


def create_key_file(path: Path) -> KeyRing:
    """Create a key file with one fresh key. Refuses to overwrite an existing file."""
    if path.exists():
        raise KeyMaterialError(f"key file {path} already exists; refusing to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = new_key()
    ring = KeyRing(key_fingerprint(key), {key_fingerprint(key): key})
    write_keyring(path, ring)
    return ring


@dataclass(frozen=True)
class FileKeyProvider:
    """Keys from a key file, re-read on each call so that a rotation is seen at once."""

    path: Path

    def keyring(self) -> KeyRing:
        return read_keyring(self.path)
