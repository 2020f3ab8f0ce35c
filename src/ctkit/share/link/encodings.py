"""Encoding files: what a holder sends to the hub, and the private map it keeps.

An encoding file is Parquet with ``rid`` (a random record id) and the bits packed into signed 64-bit words
``w0..wN``, plus ``pop`` (the number of set bits). Its schema metadata carries the format version, the keyed
fingerprint of key+settings, the encoded field names and the bit length, so the hub can refuse encodings that
cannot be compared. The holder's private map (``rid`` -> own ``record_id``, ``fake`` flag) never leaves it.

Example:
    >>> # meta = encode_file(frame, key, EncodingSettings(), out, keep)
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ctkit.errors import ValidationError
from ctkit.share.link.clk import EncodingSettings, encode_bits, fingerprint

__all__ = ["EncodingMeta", "EncodingMismatch", "encode_frame", "encode_file", "read_encodings", "pack", "unpack"]

_META_KEY = b"ctkit.encoding"


class EncodingMismatch(ValidationError):
    """Two encoding files cannot be compared: other key, settings, fields or format."""


@dataclass(frozen=True)
class EncodingMeta:
    version: str
    fingerprint: str
    fields: tuple[str, ...]
    bits: int
    records: int

    def to_json(self) -> str:
        return json.dumps({**self.__dict__, "fields": list(self.fields)}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> EncodingMeta:
        body = json.loads(text)
        return cls(body["version"], body["fingerprint"], tuple(body["fields"]), int(body["bits"]), int(body["records"]))

    def check_compatible(self, other: EncodingMeta, expected_fingerprint: str | None = None) -> None:
        """Raise ``EncodingMismatch`` unless both encodings (and the hub's expectation) agree."""
        if self.version != other.version:
            raise EncodingMismatch("the encodings use different format versions")
        if self.fields != other.fields:
            raise EncodingMismatch("the encodings cover different field sets", hint="encode the same fields on both")
        if self.fingerprint != other.fingerprint or self.bits != other.bits:
            raise EncodingMismatch(
                "the encodings were made with different keys or settings",
                hint="both holders must use the same project secret and encoding settings",
            )
        if expected_fingerprint is not None and self.fingerprint != expected_fingerprint:
            raise EncodingMismatch("the encodings do not carry the fingerprint this hub expects")


def pack(bits: np.ndarray) -> np.ndarray:
    """Bool matrix (n x 64m) -> int64 matrix (n x m), big-endian within each word."""
    packed = np.ascontiguousarray(np.packbits(bits, axis=1))
    return packed.view(">u8").astype(np.uint64).view(np.int64)


def unpack(words: np.ndarray) -> np.ndarray:
    """Inverse of :func:`pack`."""
    as_bytes = np.ascontiguousarray(words.astype(np.int64).view(np.uint64).astype(">u8")).view(np.uint8)
    return np.unpackbits(as_bytes, axis=1).astype(bool)


def _fakes(frame: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Fake records: each field drawn independently from the real rows, so their bits look like real ones."""
    return pd.DataFrame({c: frame[c].to_numpy()[rng.integers(0, len(frame), n)] for c in frame.columns})


def encode_frame(
    frame: pd.DataFrame,
    key: bytes,
    settings: EncodingSettings,
    *,
    id_column: str = "record_id",
    seed: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, EncodingMeta]:
    """Encode ``frame`` plus fake rows, shuffled; returns (encodings, private map, meta)."""
    if id_column not in frame.columns or frame[id_column].duplicated().any():
        raise ValidationError(f"column '{id_column}' must exist and be unique")
    missing = [c for c in settings.field_names() if c not in frame.columns]
    if missing:
        raise ValidationError(f"input lacks encoding field(s): {', '.join(missing)}")
    rng = np.random.default_rng(seed if seed is not None else secrets.randbits(64))
    n_fake = int(round(len(frame) * settings.fake_share)) if len(frame) else 0
    data = frame[settings.field_names()]
    rows = pd.concat([data, _fakes(data, n_fake, rng)], ignore_index=True) if n_fake else data.reset_index(drop=True)
    order = rng.permutation(len(rows))
    bits = encode_bits(rows.iloc[order], key, settings, rng=rng)
    ids = np.array([secrets.token_hex(8) for _ in range(len(rows))])
    words = pack(bits)
    enc = pd.DataFrame(words, columns=[f"w{i}" for i in range(words.shape[1])])
    enc.insert(0, "rid", ids)
    enc["pop"] = bits.sum(axis=1).astype(np.int64)
    local = np.concatenate([frame[id_column].astype(str).to_numpy(), np.full(n_fake, None)])[order]
    private = pd.DataFrame({"rid": ids, "record_id": local, "fake": pd.isna(local)})
    meta = EncodingMeta(
        settings.version, fingerprint(key, settings), tuple(settings.field_names()), bits.shape[1], len(enc)
    )
    return enc, private, meta


def encode_file(frame: pd.DataFrame, key: bytes, settings: EncodingSettings, out: Path, keep: Path) -> EncodingMeta:
    """Write the encodings to ``out`` (for the hub) and the private map to ``keep`` (never share it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    enc, private, meta = encode_frame(frame, key, settings)
    table = pa.Table.from_pandas(enc, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _META_KEY: meta.to_json().encode()})
    pq.write_table(table, out)
    private.to_parquet(keep, index=False)
    return meta


def read_encodings(path: Path) -> tuple[pd.DataFrame, EncodingMeta]:
    """Read an encoding file; raises ``EncodingMismatch`` when it is not one."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
        meta = EncodingMeta.from_json(table.schema.metadata[_META_KEY])
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise EncodingMismatch(f"{path.name} is not a ctkit encoding file") from exc
    return table.to_pandas(), meta
