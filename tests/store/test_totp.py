"""TOTP secrets sealed at rest (bound to their user, re-sealed by key rotation) and codes accepted only once."""

from __future__ import annotations

import threading
from pathlib import Path

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select, update

from ctkit.errors import KeyMaterialError
from ctkit.store import accounts as acc
from ctkit.store import totp
from ctkit.store.crypto import FieldCipher
from ctkit.store.db import transaction
from ctkit.store.keyfile import FileKeyProvider, create_key_file, read_keyring
from ctkit.store.rotation import rotate_keys

from .conftest import make_ring

acc.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
T0 = 1_800_000_000.0  # a fixed instant, a multiple of 30 s: step T0 // 30


def add_user(engine: Engine, cipher: FieldCipher, name: str = "worker") -> tuple[str, str]:
    with transaction(engine) as session:
        user, secret = acc.create_user(session, organisation_id="org", username=name, role="case_worker",
                                       password="p" * 12, cipher=cipher)
    return user.id, secret


def row(engine: Engine, user_id: str):
    with engine.connect() as conn:
        return conn.execute(select(acc.users).where(acc.users.c.id == user_id)).one()


def check(engine: Engine, user_id: str, code: str, cipher: FieldCipher, at: float = T0) -> totp.TotpCheck:
    with transaction(engine) as session:
        return totp.verify(session, user_id, code, cipher, at=at)


def code_at(secret: str, at: float) -> str:
    return pyotp.TOTP(secret).at(at)


def test_new_users_get_only_the_sealed_secret(engine: Engine, cipher: FieldCipher):
    user_id, secret = add_user(engine, cipher)
    stored = row(engine, user_id)
    assert stored.totp_secret is None and stored.totp_key_id == cipher.active_id
    assert secret.encode() not in bytes(stored.totp_ciphertext)
    with transaction(engine) as session:
        assert totp.read_secret(session, user_id, cipher) == secret


def test_sealed_secret_is_bound_to_its_user(engine: Engine, cipher: FieldCipher):
    first, _ = add_user(engine, cipher, "first")
    second, _ = add_user(engine, cipher, "second")
    with engine.begin() as conn:
        conn.execute(update(acc.users).where(acc.users.c.id == second)
                     .values(totp_ciphertext=row(engine, first).totp_ciphertext))
    with transaction(engine) as session, pytest.raises(KeyMaterialError, match=f"TOTP secret of user {second}"):
        totp.read_secret(session, second, cipher)


def test_a_code_is_accepted_once_and_never_after_a_later_one(engine: Engine, cipher: FieldCipher):
    user_id, secret = add_user(engine, cipher)
    assert check(engine, user_id, "12345", cipher) is totp.TotpCheck.WRONG
    assert check(engine, user_id, code_at(secret, T0 + 3600), cipher) is totp.TotpCheck.WRONG  # outside drift
    assert check(engine, user_id, code_at(secret, T0), cipher) is totp.TotpCheck.OK
    assert check(engine, user_id, code_at(secret, T0), cipher, at=T0 + 10) is totp.TotpCheck.REPLAYED
    # The previous step's code is within the drift window, but older than the one spent: refused too.
    assert check(engine, user_id, code_at(secret, T0 - 30), cipher, at=T0 + 10) is totp.TotpCheck.REPLAYED
    assert check(engine, user_id, code_at(secret, T0 + 30), cipher, at=T0 + 30) is totp.TotpCheck.OK
    assert row(engine, user_id).totp_last_step == int(T0 // 30) + 1


def test_concurrent_sign_ins_with_one_code_let_exactly_one_through(engine: Engine, cipher: FieldCipher):
    user_id, secret = add_user(engine, cipher)
    code = code_at(secret, T0)
    threads = 6
    barrier = threading.Barrier(threads)
    results: list[totp.TotpCheck | BaseException] = []

    def attempt() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(check(engine, user_id, code, cipher))
        except BaseException as exc:  # reported by the assertion below
            results.append(exc)

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(map(str, results)) == sorted(["ok"] + ["totp_replayed"] * (threads - 1))


def test_legacy_plaintext_secrets_are_sealed_in_one_go(engine: Engine, cipher: FieldCipher):
    ids = [add_user(engine, cipher, f"old{i}")[0] for i in range(3)]
    legacy = {user_id: pyotp.random_base32() for user_id in ids}
    with engine.begin() as conn:  # as a store written before migration 0005 holds them
        for user_id, secret in legacy.items():
            conn.execute(update(acc.users).where(acc.users.c.id == user_id)
                         .values(totp_secret=secret, totp_ciphertext=None, totp_key_id=None))
    assert totp.seal_legacy_secrets(engine, cipher) == 3
    assert totp.seal_legacy_secrets(engine, cipher) == 0
    for user_id, secret in legacy.items():
        assert row(engine, user_id).totp_secret is None
        assert check(engine, user_id, code_at(secret, T0), cipher) is totp.TotpCheck.OK


def test_a_legacy_secret_found_at_sign_in_is_sealed_then(engine: Engine, cipher: FieldCipher):
    user_id, _ = add_user(engine, cipher)
    secret = pyotp.random_base32()
    with engine.begin() as conn:
        conn.execute(update(acc.users).where(acc.users.c.id == user_id)
                     .values(totp_secret=secret, totp_ciphertext=None, totp_key_id=None))
    assert check(engine, user_id, code_at(secret, T0), cipher) is totp.TotpCheck.OK
    stored = row(engine, user_id)
    assert stored.totp_secret is None and stored.totp_ciphertext is not None


def test_key_rotation_reseals_totp_secrets(engine: Engine, tmp_path: Path):
    path = tmp_path / "keys.json"
    old_ring = create_key_file(path)
    user_id, secret = add_user(engine, FieldCipher(old_ring))
    add_user(engine, FieldCipher(old_ring), "second")
    done = rotate_keys(engine, FileKeyProvider(path))
    new_id = done.key_id
    assert (done.persons, done.totp_secrets) == (0, 2)
    assert row(engine, user_id).totp_key_id == new_id
    with transaction(engine) as session:
        assert totp.read_secret(session, user_id, FieldCipher(read_keyring(path))) == secret
    with transaction(engine) as session, pytest.raises(KeyMaterialError):
        totp.read_secret(session, user_id, FieldCipher(old_ring))


def test_rotation_that_cannot_open_a_totp_secret_changes_nothing(engine: Engine, tmp_path: Path):
    path = tmp_path / "keys.json"
    create_key_file(path)
    mine, _ = add_user(engine, FieldCipher(read_keyring(path)), "mine")
    add_user(engine, FieldCipher(make_ring()), "foreign")  # sealed with a key the key file does not hold
    before = row(engine, mine)
    with pytest.raises(KeyMaterialError, match="TOTP secret"):
        rotate_keys(engine, FileKeyProvider(path))
    assert row(engine, mine) == before


def test_sealing_legacy_secrets_leaves_no_plaintext_in_the_sqlite_files(tmp_path: Path, cipher: FieldCipher):
    from ctkit.store import create_schema, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'legacy.sqlite3'}")
    create_schema(engine)
    ids = [add_user(engine, cipher, f"old{i}")[0] for i in range(3)]
    legacy = [pyotp.random_base32() for _ in ids]
    with engine.begin() as conn:
        for user_id, secret in zip(ids, legacy, strict=True):
            conn.execute(update(acc.users).where(acc.users.c.id == user_id)
                         .values(totp_secret=secret, totp_ciphertext=None, totp_key_id=None))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # the plaintext is in the main file, as in old stores

    def raw() -> bytes:
        return b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("legacy.sqlite3"))

    assert all(secret.encode() in raw() for secret in legacy)
    assert totp.seal_legacy_secrets(engine, cipher) == 3
    assert not [secret for secret in legacy if secret.encode() in raw()]
    engine.dispose()
