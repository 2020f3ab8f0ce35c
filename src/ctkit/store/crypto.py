"""Field-level encryption of personal data: AES-256-GCM per person, key id stored with each value.

The plaintext is the JSON of :class:`ctkit.model.PersonalData`. The associated data binds a ciphertext to its
person id and key id, so a blob copied onto another row, or relabelled with another key id, fails to decrypt.
Keys come from a :class:`KeyProvider`: the key file written by ``ctkit init`` (mode 0600) or ``CTKIT_MASTER_KEY``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ctkit.errors import KeyMaterialError
from ctkit.model import PersonalData

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the GCM standard nonce; random per value (2^-32 collision bound far above our volumes)


def new_key() -> bytes:
    """A fresh random AES-256 key."""
    return AESGCM.generate_key(bit_length=256)


def key_fingerprint(key: bytes) -> str:
    """A stable, non-secret id for ``key`` (first 12 hex digits of its SHA-256)."""
    return "k-" + hashlib.sha256(b"ctkit-key-id:" + key).hexdigest()[:12]


def decode_key(text: str, where: str) -> bytes:
    """Base64 text -> 32 key bytes; KeyMaterialError naming ``where`` (never the value) otherwise."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError, AttributeError):
        raise KeyMaterialError(f"{where}: the key is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise KeyMaterialError(f"{where}: the key must be {KEY_BYTES} bytes (AES-256), got {len(key)}")
    return key


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


@dataclass(frozen=True)
class KeyRing:
    """Keys by id, and the id of the one used for new encryptions."""

    active_id: str
    keys: dict[str, bytes] = field(repr=False)

    def __post_init__(self) -> None:
        if self.active_id not in self.keys:
            raise KeyMaterialError(f"the active key '{self.active_id}' is not in the key ring")

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyMaterialError(
                f"no key with id '{key_id}' is available", hint="use the key file or CTKIT_MASTER_KEY of this store"
            ) from None


class KeyProvider(Protocol):
    """Where keys come from (file, environment, later an external key manager)."""

    def keyring(self) -> KeyRing:
        """The current key ring. Raises KeyMaterialError when keys are missing or unsafe."""
        ...


@dataclass(frozen=True)
class StaticKeyProvider:
    """A key ring held in memory (tests, and the environment variable)."""

    ring: KeyRing

    def keyring(self) -> KeyRing:
        return self.ring


def env_key_provider(value: str) -> StaticKeyProvider:
    """Provider for a base64 key given in ``CTKIT_MASTER_KEY``; its id is the key's fingerprint."""
    key = decode_key(value, "CTKIT_MASTER_KEY")
    return StaticKeyProvider(KeyRing(key_fingerprint(key), {key_fingerprint(key): key}))


def _aad(person_id: str, key_id: str) -> bytes:
    return f"ctkit/persons/{person_id}/{key_id}".encode()


class FieldCipher:
    """Encrypts and decrypts the personal data of persons with a key ring.

    >>> cipher = FieldCipher(StaticKeyProvider(KeyRing("k1", {"k1": bytes(32)})).keyring())
    >>> blob, key_id = cipher.encrypt("p1", PersonalData(first_name="Anna"))
    >>> cipher.decrypt("p1", blob, key_id).first_name
    'Anna'
    """

    def __init__(self, ring: KeyRing) -> None:
        self.ring = ring
        self._aead = {key_id: AESGCM(key) for key_id, key in ring.keys.items()}

    @property
    def active_id(self) -> str:
        return self.ring.active_id

    def encrypt(self, person_id: str, personal: PersonalData) -> tuple[bytes | None, str | None]:
        """(nonce + ciphertext, key id) of ``personal``; (None, None) when there is nothing personal."""
        if personal.is_empty():
            return None, None
        return self.encrypt_bytes(person_id, personal.model_dump_json(exclude_defaults=True).encode()), self.active_id

    def encrypt_bytes(self, person_id: str, plaintext: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead[self.active_id].encrypt(nonce, plaintext, _aad(person_id, self.active_id))

    def decrypt_bytes(self, person_id: str, blob: bytes, key_id: str) -> bytes:
        """Plaintext bytes; KeyMaterialError (naming the person id only) for a wrong key or tampered value."""
        if key_id not in self._aead:
            self.ring.key(key_id)  # raises the explanatory KeyMaterialError
        try:
            return self._aead[key_id].decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _aad(person_id, key_id))
        except InvalidTag:
            raise KeyMaterialError(
                f"cannot decrypt the personal data of person {person_id} with key '{key_id}'",
                hint="the key is wrong or the stored value was altered",
            ) from None

    def decrypt(self, person_id: str, blob: bytes | None, key_id: str | None) -> PersonalData:
        """The PersonalData stored for ``person_id`` (empty when nothing was stored)."""
        if blob is None:
            return PersonalData()
        return PersonalData.model_validate_json(self.decrypt_bytes(person_id, bytes(blob), key_id or ""))
