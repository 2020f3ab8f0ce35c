"""Engine, sessions and the one SQLAlchemy metadata of the operational store.

Every table of ctkit (cases, accounts, audit trail...) subclasses :class:`Base`, so one ``Base.metadata`` and one
Alembic history describe the whole database. SQLite is the default (WAL, foreign keys on, busy timeout);
PostgreSQL is used through psycopg 3 when the URL says so.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from ctkit.errors import ConfigurationError

# Explicit constraint names keep Alembic autogenerate and PostgreSQL/SQLite DDL stable across backends.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 65_536
# PostgreSQL: a pooled connection idle longer than PING_AFTER_IDLE_S is pinged before use (the server may have
# restarted, or a firewall dropped the idle connection); one handed back and reused sooner is trusted, which spares
# nearly every request under load a round trip (pool_pre_ping pings on every checkout: 0.4 ms and 70 us of CPU on
# loopback, two to five times per request). Connections are replaced after POOL_RECYCLE_S whatever their use.
PING_AFTER_IDLE_S = 5.0
POOL_RECYCLE_S = 1800
_IDLE_SINCE = "ctkit_idle_since"


class Base(DeclarativeBase):
    """Declarative base of every ctkit table (one metadata for the whole application)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets readers run while one writer writes; foreign keys are off by default in SQLite.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Random UUID keys touch pages all over the B-trees; a 64 MiB page cache (default 2 MiB) keeps bulk loads
        # 2-3x faster on large stores.
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    finally:
        cursor.close()


def _ping_when_idle(engine: Engine) -> None:
    """Ping a connection at checkout only when it sat idle in the pool for more than PING_AFTER_IDLE_S.

    A dead one is replaced (DisconnectionError makes the pool connect afresh). A connection that dies while in use
    fails that one request: SQLAlchemy then invalidates the pool, so the others reconnect (see web/errors.py: 503).
    """
    def checked_in(dbapi_connection, record) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checked_out(dbapi_connection, record, proxy) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the pooled database connection is gone") from exc

    event.listen(engine, "checkin", checked_in)
    event.listen(engine, "checkout", checked_out)


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``).

    SQLite connections get WAL, foreign keys and a busy timeout on every connect. A bare ``postgresql://`` URL is
    upgraded to the psycopg 3 driver; its pooled connections are recycled after half an hour and pinged before use
    when they sat idle (see :data:`PING_AFTER_IDLE_S`). Extra keyword arguments go to :func:`sqlalchemy.create_engine`.
    Raises ConfigurationError for an unsupported backend.

    >>> make_engine("sqlite://").dialect.name
    'sqlite'
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, **{"pool_recycle": POOL_RECYCLE_S, **kwargs})
        _ping_when_idle(engine)
        return engine
    if backend == "sqlite":
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    raise ConfigurationError(f"unsupported database backend '{backend}'", hint="use sqlite:/// or postgresql://")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``; objects stay usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception (all-or-nothing).

    >>> with transaction(engine) as session:  # doctest: +SKIP
    ...     session.add(row)
    """
    with session_factory(engine)() as session, session.begin():
        yield session


def create_schema(engine: Engine) -> None:
    """Bring the database to the newest schema by running the Alembic migrations (idempotent).

    Every table on ``Base.metadata`` must come from a migration in ``ctkit/store/migrations/versions``.
    """
    from ctkit.store import migrate

    migrate.upgrade(engine)
