"""The TOTP second factor of web accounts: secrets sealed at rest, each code accepted once.

A secret (RFC 6238, base32) is sealed with the store's field cipher; the associated data names the user and the
purpose, so a ciphertext copied onto another user's row (or onto a person) does not decrypt. ``totp_last_step``
holds the 30-second time-step of the last accepted code. A code is accepted only for a later step, through a
conditional UPDATE whose row count says who won: the database serialises it (PostgreSQL's row lock, SQLite's write
lock), so two concurrent sign-ins with one code cannot both pass.

Databases from before migration 0005 kept the secret in the plaintext ``totp_secret`` column; the app seals those
at start-up (:func:`seal_legacy_secrets`, one transaction) and, should one still turn up, on first use.
"""

from __future__ import annotations

import hmac
import time
from enum import StrEnum

import pyotp
from sqlalchemy import Connection, Engine, bindparam, or_, select, update
from sqlalchemy.orm import Session

from ctkit.store.accounts import open_totp, seal_totp, users
from ctkit.store.crypto import FieldCipher

STEP_SECONDS = 30  # RFC 6238 default, what every authenticator app uses
DRIFT_STEPS = 1  # a code of the previous or next step is accepted too (phone clocks drift)


class TotpCheck(StrEnum):
    """Outcome of :func:`verify`; the value is the audit reason code of a refusal."""

    OK = "ok"
    WRONG = "totp_wrong"
    REPLAYED = "totp_replayed"
    NOT_ENROLLED = "totp_missing"


def read_secret(session: Session | Connection, user_id: str, cipher: FieldCipher) -> str | None:
    """The user's TOTP secret (None if never enrolled). A legacy plaintext secret is sealed in this transaction.

    Raises KeyMaterialError (naming the user id only) when the stored ciphertext does not decrypt.
    """
    row = session.execute(select(users.c.totp_secret, users.c.totp_ciphertext, users.c.totp_key_id)
                          .where(users.c.id == user_id)).one()
    if row.totp_ciphertext is not None:
        return open_totp(cipher, user_id, row.totp_ciphertext, row.totp_key_id)
    if row.totp_secret:
        sealed = seal_totp(cipher, user_id, row.totp_secret)
        session.execute(update(users).where(users.c.id == user_id).values(**sealed))
        return row.totp_secret
    return None


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time-step whose code is ``code`` (newest first within the drift window), or None."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    now_step = int((time.time() if at is None else at) // STEP_SECONDS)
    for step in range(now_step + DRIFT_STEPS, now_step - DRIFT_STEPS - 1, -1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify(session: Session | Connection, user_id: str, code: str, cipher: FieldCipher, *,
           at: float | None = None) -> TotpCheck:
    """Check ``code`` and, when right and not used before, spend its time-step (in the caller's transaction).

    ``at`` is the Unix time to check against (now by default). Only one of several concurrent calls with the same
    code gets ``OK``: the step is spent by ``UPDATE ... WHERE totp_last_step IS NULL OR totp_last_step < step``.
    """
    secret = read_secret(session, user_id, cipher)
    if not secret:
        return TotpCheck.NOT_ENROLLED
    step = matching_step(secret, code, at)
    if step is None:
        return TotpCheck.WRONG
    last = users.c.totp_last_step
    spent = session.execute(update(users).where(users.c.id == user_id, or_(last.is_(None), last < step))
                            .values(totp_last_step=step))
    return TotpCheck.OK if spent.rowcount == 1 else TotpCheck.REPLAYED


def seal_legacy_secrets(engine: Engine, cipher: FieldCipher) -> int:
    """Move every plaintext secret (stores before migration 0005) into the cipher columns, in one transaction.

    On SQLite the freed plaintext is overwritten too (``secure_delete`` for the update, then a checkpoint that
    copies the new pages over the old and empties the WAL), so a copy of the file taken afterwards holds none.
    Returns how many were sealed (0 on every start after the first).
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        rows = conn.execute(select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))).all()
        if not rows:
            return 0
        if sqlite:
            conn.exec_driver_sql("PRAGMA secure_delete = ON")  # before the first write: zero what the update frees
        try:
            _update_sealed(conn, cipher, [(user_id, secret) for user_id, secret in rows if secret])
            conn.commit()
        finally:
            if sqlite:
                conn.rollback()  # a no-op after the commit; after a failure, ends it before the pragma
                conn.exec_driver_sql("PRAGMA secure_delete = OFF")
        if sqlite:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(rows)


def reseal_all(conn: Connection, cipher: FieldCipher) -> int:
    """Re-encrypt every TOTP secret with the cipher's active key inside the caller's transaction (key rotation).

    ``cipher`` must hold the old keys too. Legacy plaintext secrets are sealed on the way. Returns the count.
    Raises KeyMaterialError when one does not decrypt (the caller's transaction then changes nothing).
    """
    rows = conn.execute(select(users.c.id, users.c.totp_secret, users.c.totp_ciphertext, users.c.totp_key_id)
                        .where(or_(users.c.totp_ciphertext.is_not(None), users.c.totp_secret.is_not(None)))).all()
    plain = [(r.id, open_totp(cipher, r.id, r.totp_ciphertext, r.totp_key_id) if r.totp_ciphertext is not None
              else r.totp_secret) for r in rows]
    _update_sealed(conn, cipher, plain)
    return len(plain)


def _update_sealed(conn: Connection, cipher: FieldCipher, secrets: list[tuple[str, str]]) -> None:
    if not secrets:
        return
    stmt = (update(users).where(users.c.id == bindparam("uid"))
            .values(totp_ciphertext=bindparam("blob"), totp_key_id=bindparam("kid"), totp_secret=None))
    conn.execute(stmt, [{"uid": user_id, **_renamed(seal_totp(cipher, user_id, secret))}
                        for user_id, secret in secrets])


def _renamed(values: dict[str, object]) -> dict[str, object]:
    # bindparam names must differ from column names in an executemany UPDATE
    return {"blob": values["totp_ciphertext"], "kid": values["totp_key_id"]}
