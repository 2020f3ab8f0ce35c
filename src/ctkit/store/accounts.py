"""Accounts of the web application: teams, users, server-side sessions, login throttling and case access.

Users belong to an organisation (the store's ``organisations`` table) and optionally a team. Passwords are
argon2id hashes; the TOTP secret of the second factor is sealed with the store's field cipher (checking codes,
replay protection and legacy plaintext secrets: :mod:`ctkit.store.totp`). ``case_access`` records who owns a
case and who is assigned to it: the facts from which the authorization policy derives the scopes own / assigned / team.
Session tokens are stored only as SHA-256 hashes, so a copy of the database does not yield live sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    select,
    update,
)
from sqlalchemy.orm import Session

from ctkit.errors import ConflictError, KeyMaterialError, NotFoundError, ValidationError
from ctkit.model import new_id
from ctkit.store.crypto import FieldCipher
from ctkit.store.db import Base

ROLES: tuple[str, ...] = ("screener", "case_worker", "supervisor", "analyst", "trainer", "administrator")
MIN_PASSWORD_LENGTH = 12
# argon2id with the library's RFC 9106 "low memory" defaults. Verification reads the parameters from the stored
# hash, so raising them later only affects new hashes.
_hasher = PasswordHasher()


def use_hasher(hasher: PasswordHasher) -> None:
    """Replace the argon2id parameters for new hashes (tests use cheap ones; never lower them in production)."""
    global _hasher
    _hasher = hasher
    _dummy_hash.cache_clear()

teams = Table(
    "teams",
    Base.metadata,
    Column("id", String(36), primary_key=True),
    Column("organisation_id", String(36), nullable=False, index=True),
    Column("name", String(200), nullable=False),
)

users = Table(
    "users",
    Base.metadata,
    Column("id", String(36), primary_key=True),
    Column("organisation_id", String(36), nullable=False, index=True),
    Column("team_id", String(36), ForeignKey("teams.id", ondelete="SET NULL")),
    Column("username", String(80), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("totp_secret", String(64)),  # legacy plaintext (before migration 0005); moved into totp_ciphertext
    Column("totp_ciphertext", LargeBinary),
    Column("totp_key_id", String(64)),
    Column("totp_last_step", BigInteger),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked", Boolean, nullable=False, default=False),
    Column("language", String(8), nullable=False, default="en"),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

web_sessions = Table(
    "web_sessions",
    Base.metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("mfa_ok", Boolean, nullable=False),
    Column("csrf_token", String(64), nullable=False),
)

login_failures = Table(
    "login_failures",
    Base.metadata,
    Column("address_hash", String(64), primary_key=True),  # hashed: staff IP addresses are personal data too
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("failures", Integer, nullable=False),
)

case_access = Table(
    "case_access",
    Base.metadata,
    Column("case_id", String(36), nullable=False, index=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("relation", String(12), nullable=False),  # owner | assigned
    PrimaryKeyConstraint("case_id", "user_id", "relation"),
)


@dataclass(frozen=True)
class User:
    """A user as the web layer sees it (no password hash, no TOTP secret)."""

    id: str
    organisation_id: str
    team_id: str | None
    username: str
    role: str
    locked: bool
    failed_logins: int
    language: str
    is_demo: bool


def _user(row) -> User:
    return User(row.id, row.organisation_id, row.team_id, row.username, row.role, row.locked, row.failed_logins,
                row.language, row.is_demo)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def check_password_strength(password: str) -> None:
    """Raise ValidationError when ``password`` is too short (the message never repeats it)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"password: must have at least {MIN_PASSWORD_LENGTH} characters")


def create_team(session: Session, organisation_id: str, name: str) -> str:
    team_id = new_id()
    session.execute(teams.insert().values(id=team_id, organisation_id=organisation_id, name=name))
    return team_id


def _totp_subject(user_id: str) -> str:
    # Embedded in the cipher's associated data: bound to the user and the purpose, never equal to a person id.
    return f"users/{user_id}/totp"


def seal_totp(cipher: FieldCipher, user_id: str, secret: str) -> dict[str, object]:
    """Column values that store ``secret`` encrypted for ``user_id`` (the plaintext column emptied)."""
    return {"totp_ciphertext": cipher.encrypt_bytes(_totp_subject(user_id), secret.encode("ascii")),
            "totp_key_id": cipher.active_id, "totp_secret": None}


def open_totp(cipher: FieldCipher, user_id: str, blob: bytes, key_id: str | None) -> str:
    """The secret sealed by :func:`seal_totp`; KeyMaterialError naming the user id only if it does not decrypt."""
    try:
        return cipher.decrypt_bytes(_totp_subject(user_id), bytes(blob), key_id or "").decode("ascii")
    except KeyMaterialError as exc:
        raise KeyMaterialError(f"cannot decrypt the TOTP secret of user {user_id}", hint=exc.hint) from None


def create_user(session: Session, *, organisation_id: str, username: str, role: str, password: str,
                cipher: FieldCipher, team_id: str | None = None, language: str = "en",
                is_demo: bool = False) -> tuple[User, str]:
    """Create a user; returns the user and a fresh base32 TOTP secret (show it once to enrol an app).

    The secret is stored only sealed with ``cipher`` (the store's field cipher, ``store.cipher``).
    Raises ValidationError for an unknown role or weak password, ConflictError for a taken username.
    """
    if role not in ROLES:
        raise ValidationError(f"role: must be one of {', '.join(ROLES)}")
    if not username or len(username) > 80 or not username.replace("_", "").replace(".", "").isalnum():
        raise ValidationError("username: 1-80 letters, digits, '.' or '_'")
    check_password_strength(password)
    if session.execute(select(users.c.id).where(users.c.username == username)).first():
        raise ConflictError("username: already taken")
    secret = pyotp.random_base32()
    user_id = new_id()
    session.execute(users.insert().values(
        id=user_id, organisation_id=organisation_id, team_id=team_id, username=username, role=role,
        password_hash=_hasher.hash(password), **seal_totp(cipher, user_id, secret), failed_logins=0, locked=False,
        language=language, is_demo=is_demo, created_at=datetime.now(UTC),
    ))
    return get_user(session, user_id), secret


def get_user(session: Session, user_id: str) -> User:
    row = session.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFoundError("user not found")
    return _user(row)


def find_user(session: Session, username: str) -> User | None:
    row = session.execute(select(users).where(users.c.username == username)).first()
    return _user(row) if row else None


def list_users(session: Session, organisation_id: str) -> list[User]:
    rows = session.execute(select(users).where(users.c.organisation_id == organisation_id).order_by(users.c.username))
    return [_user(r) for r in rows]


def verify_password(session: Session, user_id: str, password: str) -> bool:
    stored = session.execute(select(users.c.password_hash).where(users.c.id == user_id)).scalar_one()
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def spend_hash_time(password: str) -> bool:
    """Verify against a dummy hash (always False): an unknown username costs as long as a wrong password."""
    try:
        return _hasher.verify(_dummy_hash(), password) and False
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_hex(16))


def set_password(session: Session, user_id: str, password: str) -> None:
    """Replace the password, unlock the account and end every session of the user."""
    check_password_strength(password)
    session.execute(update(users).where(users.c.id == user_id).values(
        password_hash=_hasher.hash(password), failed_logins=0, locked=False))
    session.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))


def record_failure(session: Session, user_id: str, lock_after: int) -> bool:
    """Count a failed login; lock the account at ``lock_after`` failures. Returns True when now locked."""
    count = session.execute(select(users.c.failed_logins).where(users.c.id == user_id)).scalar_one() + 1
    locked = count >= lock_after
    session.execute(update(users).where(users.c.id == user_id).values(failed_logins=count, locked=locked))
    if locked:
        session.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))
    return locked


def clear_failures(session: Session, user_id: str) -> None:
    session.execute(update(users).where(users.c.id == user_id).values(failed_logins=0))


def unlock(session: Session, user_id: str) -> None:
    session.execute(update(users).where(users.c.id == user_id).values(failed_logins=0, locked=False))


def set_language(session: Session, user_id: str, language: str) -> None:
    session.execute(update(users).where(users.c.id == user_id).values(language=language))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def grant_case(session: Session, case_id: str, user_id: str, relation: str) -> None:
    """Record that ``user_id`` owns (``owner``) or is ``assigned`` to ``case_id``."""
    if relation not in ("owner", "assigned"):
        raise ValidationError("relation: must be owner or assigned")
    session.execute(case_access.insert().values(case_id=case_id, user_id=user_id, relation=relation))


def ensure_tables(engine) -> None:
    """Create the account and audit tables if missing (migration 0002 normally has; this only checks).

    Kept for stores opened without migrating and for tests that build tables directly; it creates nothing that
    exists, and migration 0002 adopts tables made this way.
    """
    from ctkit.store.audit import audit_events

    Base.metadata.create_all(engine, tables=[teams, users, web_sessions, login_failures, case_access,
                                             audit_events])
