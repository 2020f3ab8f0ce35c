"""Stable pseudonymous ids: a keyed hash (HMAC-SHA256) of the store's id, the key kept outside the snapshot.

The same key gives the same pseudonym across snapshots (so analysts can follow a case over time); without the
key a pseudonym cannot be linked back to a store id, nor recomputed from one. The key lives in the data directory
(``snapshot.key``, mode 0600), never in the snapshot directory.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from ctkit.errors import KeyMaterialError

KEY_FILE_NAME = "snapshot.key"
KEY_BYTES = 32


class PseudonymKey:
    """A secret key that turns store ids into signed 64-bit pseudonyms.

    >>> key = PseudonymKey(b"k" * 32)
    >>> key.pid("case", "a") == key.pid("case", "a") != key.pid("person", "a")
    True
    """

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise KeyMaterialError("a pseudonymisation key needs at least 16 bytes")
        self._secret = bytes(secret)

    def pid(self, kind: str, identifier: str) -> int:
        """The pseudonym of ``identifier`` in namespace ``kind`` (so a case and a person never share one)."""
        digest = hmac.new(self._secret, f"{kind}:{identifier}".encode(), hashlib.sha256).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    @property
    def fingerprint(self) -> str:
        """A short public tag of the key (recorded in the manifest to tell snapshots of different keys apart)."""
        return hmac.new(self._secret, b"ctkit-snapshot-key-id", hashlib.sha256).hexdigest()[:12]

    def __repr__(self) -> str:
        return f"PseudonymKey(fingerprint={self.fingerprint})"

    @classmethod
    def load_or_create(cls, data_dir: Path) -> PseudonymKey:
        """Read ``data_dir/snapshot.key``, creating it (random, mode 0600) on first use."""
        path = Path(data_dir) / KEY_FILE_NAME
        if path.exists():
            try:
                secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
            except ValueError:
                raise KeyMaterialError(f"{path} is not a valid snapshot key file") from None
            return cls(secret)
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_bytes(KEY_BYTES)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secret.hex())
        return cls(secret)
