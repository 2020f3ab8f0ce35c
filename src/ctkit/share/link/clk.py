"""Cryptographic long-term keys (CLK): keyed, hardened Bloom-filter encodings of person records.

Each field is normalised (the same :mod:`ctkit.share.link.normalise` the plaintext linkage uses), cut into
tokens (padded q-grams of names and places, year/month/day of the birth date, the sex and nationality codes) and
each token sets ``k`` bits of one filter. Bit positions come from HMAC-SHA256 under the project's secret key, each
position from its own slice of the keyed digest (no double hashing, which leaks structure to attacks).

Hardening, all on by default:

* **salting** name tokens with the year of birth, so one name gives unrelated bits in different birth years;
* **balanced** encoding: the filter is concatenated with its complement, so every encoding has the same weight
  and bit frequencies are flattened (``blip`` flips bits at random instead; ``none`` turns hardening off);
* a **keyed permutation** of the final bit positions;
* **fake records** (a share of the output), built from recombined real field values, that only the holder can
  recognise and that :mod:`ctkit.share.link.resolve` drops.

Example:
    >>> settings = EncodingSettings()
    >>> len(fingerprint(b"k" * 32, settings))
    32
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from ctkit.errors import ValidationError
from ctkit.share.link.normalise import name_key, parse_date

__all__ = ["FieldSpec", "EncodingSettings", "encode_bits", "fingerprint", "tokens", "DEFAULT_FIELDS", "MIN_KEY"]

MIN_KEY = 32  # bytes: a per-project secret shorter than the HMAC-SHA256 block of entropy is refused
VERSION = "ctkit-clk-1"


@dataclass(frozen=True)
class FieldSpec:
    """How one input column becomes tokens. ``label`` is the hash domain: fields sharing a label (first and
    last name) share tokens, so swapped names encode the same."""

    column: str
    kind: str  # "name" (q-grams), "date" (year, month, day), "code" (the value itself)
    label: str
    k: int
    q: int = 2
    salted: bool = False


DEFAULT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("first_name", "name", "name", k=18, salted=True),
    FieldSpec("last_name", "name", "name", k=18, salted=True),
    FieldSpec("birth_date", "date", "birth", k=25),
    FieldSpec("sex", "code", "sex", k=10),
    FieldSpec("place_of_origin", "name", "place", k=6),
)


@dataclass(frozen=True)
class EncodingSettings:
    """Everything both holders must agree on besides the key; part of the fingerprint."""

    fields: tuple[FieldSpec, ...] = DEFAULT_FIELDS
    length: int = 1024
    hardening: str = "balanced"  # "balanced", "blip" or "none"
    blip_flip: float = 0.02
    permute: bool = True
    salt_year: bool = True
    fake_share: float = 0.05
    version: str = field(default=VERSION)

    def __post_init__(self) -> None:
        if self.hardening not in {"balanced", "blip", "none"}:
            raise ValidationError("hardening must be 'balanced', 'blip' or 'none'")
        if self.length % 64 or not 64 <= self.length <= 8192:
            raise ValidationError("filter length must be a multiple of 64 between 64 and 8192")
        if not 0 <= self.fake_share < 0.5:
            raise ValidationError("fake_share must be in [0, 0.5)")

    @property
    def encoded_bits(self) -> int:
        return 2 * self.length if self.hardening == "balanced" else self.length

    def canonical(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    def field_names(self) -> list[str]:
        return [f.column for f in self.fields]


def fingerprint(key: bytes, settings: EncodingSettings) -> str:
    """Keyed digest of the settings: equal only for the same key *and* settings; reveals neither."""
    return hmac.new(key, b"fingerprint\x00" + settings.canonical().encode(), hashlib.sha256).hexdigest()[:32]


def _field_tokens(spec: FieldSpec, value: object) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if spec.kind == "date":
        born = parse_date(value)
        return [] if born is None else [f"y{born.year}", f"m{born.month:02d}", f"d{born.day:02d}"]
    if spec.kind == "code":
        text = str(value).strip().lower()
        return [text] if text else []
    key = name_key(str(value))
    if not key:
        return []
    padded = f"_{key}_"
    return [padded[i : i + spec.q] for i in range(max(1, len(padded) - spec.q + 1))]


def tokens(record: dict, settings: EncodingSettings) -> list[tuple[FieldSpec, str, str]]:
    """(field, salt, token) triples of one record; the salt is the birth year for salted fields."""
    born = parse_date(record.get("birth_date")) if settings.salt_year else None
    salt = str(born.year) if born else ""
    out = []
    for spec in settings.fields:
        for token in _field_tokens(spec, record.get(spec.column)):
            out.append((spec, salt if spec.salted else "", token))
    return out


@lru_cache(maxsize=1 << 18)
def _positions(key: bytes, label: str, salt: str, token: str, k: int, length: int) -> tuple[int, ...]:
    """k bit positions of one token: successive 4-byte slices of HMAC-SHA256 digests, reduced mod length."""
    out: list[int] = []
    counter = 0
    while len(out) < k:
        msg = f"{label}\x1f{salt}\x1f{token}\x1f{counter}".encode()
        digest = hmac.digest(key, msg, "sha256")
        out.extend(int.from_bytes(digest[i : i + 4], "big") % length for i in range(0, 32, 4))
        counter += 1
    return tuple(out[:k])


@lru_cache(maxsize=1 << 18)
def _field_positions(key: bytes, spec: FieldSpec, salt: str, value: object, length: int) -> list[int]:
    """All bit positions one field value sets (cached: names, dates and codes repeat across records)."""
    out: list[int] = []
    for token in _field_tokens(spec, value):
        out.extend(_positions(key, spec.label, salt, token, spec.k, length))
    return out


def _permutation(key: bytes, n_bits: int) -> np.ndarray:
    seed = int.from_bytes(hmac.digest(key, b"permutation\x00" + str(n_bits).encode(), "sha256")[:16], "big")
    return np.random.default_rng(seed).permutation(n_bits)


def encode_bits(frame: pd.DataFrame, key: bytes, settings: EncodingSettings, *, rng: np.random.Generator) -> np.ndarray:
    """Hardened encodings of ``frame``'s rows as a bool matrix (rows x ``settings.encoded_bits``).

    ``rng`` drives only the BLIP bit flips. Raises ``ValidationError`` for a short key or missing columns.
    """
    if len(key) < MIN_KEY:
        raise ValidationError(f"the project secret must be at least {MIN_KEY} bytes")
    missing = [c for c in settings.field_names() if c not in frame.columns]
    if missing:
        raise ValidationError(f"input lacks encoding field(s): {', '.join(missing)}")
    bits = np.zeros((len(frame), settings.length), dtype=bool)
    columns = settings.field_names()
    for row, values in enumerate(frame[columns].itertuples(index=False, name=None)):
        born = parse_date(values[columns.index("birth_date")]) if "birth_date" in columns else None
        salt = str(born.year) if born and settings.salt_year else ""
        for spec, value in zip(settings.fields, values, strict=True):
            positions = _field_positions(key, spec, salt if spec.salted else "", value, settings.length)
            bits[row, positions] = True
    if settings.hardening == "balanced":
        bits = np.concatenate([bits, ~bits], axis=1)
    elif settings.hardening == "blip":
        bits ^= rng.random(bits.shape) < settings.blip_flip
    if settings.permute:
        bits = bits[:, _permutation(key, bits.shape[1])]
    return bits
