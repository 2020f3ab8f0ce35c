"""Engine, sessions and the one SQLAlchemy metadata of the operational store.

Every table of ctkit (cases, accounts, audit trail...) subclasses :class:`Base`, so one ``Base.metadata`` and one
Alembic history describe the whole database. SQLite is the default (WAL, foreign keys on, busy timeout);
PostgreSQL is used through psycopg 3 when the URL says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
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


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``).

    SQLite connections get WAL, foreign keys and a busy timeout on every connect. A bare ``postgresql://`` URL is
    upgraded to the psycopg 3 driver. Extra keyword arguments go to :func:`sqlalchemy.create_engine`.
    Raises ConfigurationError for an unsupported backend.

    >>> make_engine("sqlite://").dialect.name
    'sqlite'
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True, **kwargs)
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
