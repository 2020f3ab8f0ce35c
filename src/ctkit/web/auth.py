"""Authentication service: password + TOTP login, throttling, server-side sessions with idle/absolute timeouts.

Used alike by the login pages and the JSON API. Failures say nothing about which part was wrong (no user
enumeration); every outcome is an audit event with ids only.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, bindparam, delete, select, update

from ctkit.errors import AuthenticationError, CtkitError, PermissionDenied
from ctkit.store import accounts as acc
from ctkit.store import totp
from ctkit.store.audit import AuditEvent, append
from ctkit.store.datastore import Store
from ctkit.store.db import transaction
from ctkit.web.policy import Actor, requires_mfa

LOCK_AFTER_FAILURES = 5
ADDRESS_MAX_FAILURES = 20
ADDRESS_WINDOW = timedelta(minutes=15)
TOUCH_EVERY = timedelta(seconds=60)  # last_seen is written at most once a minute: fewer writes under load
# Failures that count towards locking the account: a wrong password, a wrong code, or a code used before (whoever
# replays a code has seen it, and guesses at the second factor must be as limited as guesses at the password).
COUNTED_FAILURES = frozenset({"bad_password", totp.TotpCheck.WRONG.value, totp.TotpCheck.REPLAYED.value,
                              totp.TotpCheck.NOT_ENROLLED.value})


class TooManyAttempts(CtkitError):
    """Too many failed logins from one address; try again later."""

    exit_code = 5
    http_status = 429


@dataclass(frozen=True)
class SessionInfo:
    """A live session: the user, the actor the policy sees, the CSRF token and the token's hash."""

    user: acc.User
    actor: Actor
    csrf_token: str
    token_hash: str
    mfa_ok: bool


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _check_address(session, address_hash: str, now: datetime) -> None:
    row = session.execute(select(acc.login_failures).where(acc.login_failures.c.address_hash == address_hash)).first()
    if row and _aware(row.window_start) > now - ADDRESS_WINDOW and row.failures >= ADDRESS_MAX_FAILURES:
        raise TooManyAttempts("too many failed logins from this address", hint="wait 15 minutes and try again")


def _count_address_failure(session, address_hash: str, now: datetime) -> None:
    table = acc.login_failures
    row = session.execute(select(table).where(table.c.address_hash == address_hash)).first()
    if row is None:
        session.execute(table.insert().values(address_hash=address_hash, window_start=now, failures=1))
    elif _aware(row.window_start) <= now - ADDRESS_WINDOW:
        session.execute(update(table).where(table.c.address_hash == address_hash).values(window_start=now, failures=1))
    else:
        session.execute(update(table).where(table.c.address_hash == address_hash).values(failures=row.failures + 1))


def _audit_login(session, user: acc.User | None, outcome: str, reason: str) -> None:
    append(session, AuditEvent(
        action="session.login", outcome=outcome, reason=reason, actor_id=user.id if user else None,
        organisation_id=user.organisation_id if user else None, resource_type="session",
    ))


def _fail(engine: Engine, user: acc.User | None, address_hash: str, reason: str) -> None:
    with transaction(engine) as session:
        _count_address_failure(session, address_hash, _now())
        if user is not None and reason in COUNTED_FAILURES:
            if acc.record_failure(session, user.id, LOCK_AFTER_FAILURES):
                reason = "locked_now"
        _audit_login(session, user, "denied", reason)


def _check_code(store: Store, user: acc.User, code: str, address_hash: str, message: str) -> None:
    """Spend ``code`` or raise AuthenticationError; a wrong or replayed code is a counted, audited failure."""
    with transaction(store.engine) as session:
        check = totp.verify(session, user.id, code, store.cipher)
    if check is not totp.TotpCheck.OK:
        _fail(store.engine, user, address_hash, check.value)
        raise AuthenticationError(message)


def login(store: Store, username: str, password: str, address: str, code: str | None = None) -> tuple[str, bool]:
    """Check the password (and the TOTP ``code`` when given); create a session. Returns (token, mfa_ok).

    A role that needs TOTP and gave no code gets a session with ``mfa_ok`` False that can only complete the second
    factor. A code is accepted once (a replay within its window is refused). Raises AuthenticationError (wrong
    username, password or code, the same message for each), PermissionDenied for a locked account,
    TooManyAttempts when the address is throttled.
    """
    engine = store.engine
    address_hash = acc.sha256_hex(f"addr:{address}")
    with transaction(engine) as session:
        _check_address(session, address_hash, _now())
        user = acc.find_user(session, username)
        ok = acc.verify_password(session, user.id, password) if user else acc.spend_hash_time(password)
    if user is None or not ok:
        _fail(engine, user, address_hash, "bad_password" if user else "unknown_user")
        raise AuthenticationError("wrong username or password")
    if user.locked:
        _fail(engine, user, address_hash, "account_locked")
        raise PermissionDenied("this account is locked", hint="ask an administrator to unlock it")
    mfa_ok = not requires_mfa(user.role)
    if code is not None and not mfa_ok:
        _check_code(store, user, code, address_hash, "wrong username, password or code")
        mfa_ok = True
    token = acc.new_token()
    now = _now()
    with transaction(engine) as session:
        acc.clear_failures(session, user.id)
        session.execute(acc.web_sessions.insert().values(
            token_hash=acc.sha256_hex(token), user_id=user.id, created_at=now, last_seen_at=now, mfa_ok=mfa_ok,
            csrf_token=acc.new_token()))
        _audit_login(session, user, "ok", "password_and_totp" if mfa_ok and requires_mfa(user.role) else "password")
    return token, mfa_ok


def complete_mfa(store: Store, token: str, code: str, address: str) -> str:
    """Verify the TOTP ``code`` for a half-open session and complete it; returns the session's new token.

    The token and the CSRF token are replaced, so a token seen before the second factor is worthless after it.
    Raises AuthenticationError for a wrong or already used code (counted like a wrong password, so codes cannot
    be guessed).
    """
    engine = store.engine
    info = load_session(engine, token, idle=timedelta(minutes=10), absolute=timedelta(minutes=10), allow_partial=True)
    if info is None:
        raise AuthenticationError("your sign-in has expired; sign in again")
    _check_code(store, info.user, code, acc.sha256_hex(f"addr:{address}"), "wrong code")
    new_token = acc.new_token()
    with transaction(engine) as session:
        session.execute(update(acc.web_sessions).where(acc.web_sessions.c.token_hash == info.token_hash)
                        .values(token_hash=acc.sha256_hex(new_token), mfa_ok=True, csrf_token=acc.new_token(),
                                last_seen_at=_now()))
        _audit_login(session, info.user, "ok", "totp")
    return new_token


# The session and its user in one query, built once (this runs on every request).
_SESSION_ROW = (select(acc.web_sessions, acc.users).join(acc.users, acc.users.c.id == acc.web_sessions.c.user_id)
                .where(acc.web_sessions.c.token_hash == bindparam("token_hash")))


def load_session(engine: Engine, token: str | None, *, idle: timedelta, absolute: timedelta,
                 allow_partial: bool = False) -> SessionInfo | None:
    """The live session for cookie value ``token``, or None (unknown, expired or second factor pending).

    An expired session is deleted. ``allow_partial`` also returns sessions still waiting for TOTP.
    """
    if not token or len(token) > 100:
        return None
    token_hash = acc.sha256_hex(token)
    now = _now()
    # Every request runs this: a Core connection in autocommit (each statement its own transaction), which spares
    # PostgreSQL the BEGIN and COMMIT round trips around a single read.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as session:
        row = session.execute(_SESSION_ROW, {"token_hash": token_hash}).first()
        if row is None:
            return None
        last_seen, created = _aware(row.last_seen_at), _aware(row.created_at)
        if now - last_seen > idle or now - created > absolute or row.locked:
            session.execute(delete(acc.web_sessions).where(acc.web_sessions.c.token_hash == token_hash))
            return None
        if not row.mfa_ok and not allow_partial:
            return None
        if now - last_seen > TOUCH_EVERY:
            session.execute(update(acc.web_sessions).where(acc.web_sessions.c.token_hash == token_hash)
                            .values(last_seen_at=now))
    user = acc._user(row)
    actor = Actor(user.id, user.organisation_id, user.team_id, user.role, mfa_ok=row.mfa_ok)
    return SessionInfo(user, actor, row.csrf_token, token_hash, row.mfa_ok)


def logout(engine: Engine, info: SessionInfo) -> None:
    """Delete the session server-side (its cookie becomes worthless) and audit the logout."""
    with transaction(engine) as session:
        session.execute(delete(acc.web_sessions).where(acc.web_sessions.c.token_hash == info.token_hash))
        append(session, AuditEvent(action="session.logout", outcome="ok", reason="user_request",
                                   actor_id=info.user.id, organisation_id=info.user.organisation_id,
                                   resource_type="session"))


def csrf_matches(info: SessionInfo, presented: str | None) -> bool:
    """Constant-time check of a presented CSRF token against the session's."""
    return bool(presented) and hmac.compare_digest(info.csrf_token.encode(), presented.encode())
