"""Key rotation: re-encrypt every person's personal data and every TOTP secret under a fresh key, in one
database transaction.

Order of steps, chosen so that no crash can leave data unreadable:
1. the key file gets the new key as active, the old keys kept;
2. one transaction re-encrypts every row (all or nothing);
3. the key file drops the old keys.
A crash after 1 or 2 leaves a key file that still decrypts every row; running the rotation again finishes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import Engine, bindparam, func, select, update

from ctkit.errors import ConfigurationError
from ctkit.store import tables as t
from ctkit.store.crypto import FieldCipher, KeyProvider, KeyRing, key_fingerprint, new_key
from ctkit.store.keyfile import FileKeyProvider, write_keyring
from ctkit.store.perpetrators import reencrypt_perpetrators
from ctkit.store.totp import reseal_all

BATCH = 1000
Progress = Callable[[int, int], None]  # (done, total)


class Rotation(NamedTuple):
    """What :func:`rotate_keys` did: the new key's id and how many values it re-encrypted."""

    key_id: str
    persons: int
    totp_secrets: int
    perpetrators: int = 0


def _reencrypt(engine: Engine, cipher: FieldCipher, progress: Progress | None) -> tuple[int, int, int]:
    """(persons, TOTP secrets, perpetrators) re-encrypted with the cipher's active key, in one transaction."""
    p = t.persons.c
    stmt = (update(t.persons).where(p.id == bindparam("pid"))
            .values(personal_ciphertext=bindparam("blob"), key_id=bindparam("kid")))
    done = 0
    with engine.begin() as conn:
        total = conn.execute(select(func.count()).where(p.personal_ciphertext.is_not(None))).scalar_one()
        last = ""
        while True:
            # Keyset pages on the primary key: no open cursor over a table we are updating.
            rows = conn.execute(
                select(p.id, p.personal_ciphertext, p.key_id)
                .where(p.personal_ciphertext.is_not(None), p.id > last).order_by(p.id).limit(BATCH)
            ).all()
            if not rows:
                break
            params = [
                {"pid": pid, "kid": cipher.active_id,
                 "blob": cipher.encrypt_bytes(pid, cipher.decrypt_bytes(pid, bytes(blob), key_id))}
                for pid, blob, key_id in rows
            ]
            conn.execute(stmt, params)
            done += len(rows)
            last = rows[-1][0]
            if progress:
                progress(done, total)
        # perpetrators' personal data too, or the old key's removal loses it
        perpetrators = reencrypt_perpetrators(conn, cipher)
        secrets = reseal_all(conn, cipher)  # the account table is small: one step, same transaction
    return done, secrets, perpetrators


def rotate_keys(engine: Engine, provider: KeyProvider, progress: Progress | None = None) -> Rotation:
    """Generate a new key, re-encrypt all personal data and TOTP secrets with it, and retire the old keys.

    Returns the new key id and the number of persons, TOTP secrets and perpetrators re-encrypted. Raises
    ConfigurationError when keys do not come from a key file (a key given in the environment must be rotated by
    whoever manages that variable), KeyMaterialError if a stored value cannot be decrypted with the current keys
    (then nothing is changed in the database).
    """
    if not isinstance(provider, FileKeyProvider):
        raise ConfigurationError("key rotation needs a key file", hint="unset CTKIT_MASTER_KEY and use keys.json")
    old = provider.keyring()
    key = new_key()
    staged = KeyRing(key_fingerprint(key), {**old.keys, key_fingerprint(key): key})
    write_keyring(provider.path, staged)
    persons, secrets, perpetrators = _reencrypt(engine, FieldCipher(staged), progress)
    write_keyring(provider.path, KeyRing(staged.active_id, {staged.active_id: key}))
    return Rotation(staged.active_id, persons, secrets, perpetrators)
