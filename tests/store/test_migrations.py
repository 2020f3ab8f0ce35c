"""Alembic migrations produce exactly the tables on Base.metadata, and the engine has the right settings."""

from __future__ import annotations

import importlib
import pkgutil

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, Table, text

import ctkit.store
from ctkit.store import migrate
from ctkit.store.db import Base


def _registered_table_names() -> set[str]:
    """Tables defined (as Core tables or ORM classes) by the modules registered in migrate.TABLE_MODULES."""
    names = set()
    for module_name in migrate.TABLE_MODULES:
        for value in vars(importlib.import_module(module_name)).values():
            table = value if isinstance(value, Table) else getattr(value, "__table__", None)
            if isinstance(table, Table) and table.metadata is Base.metadata:
                names.add(table.name)
    return names


def test_migrated_database_equals_metadata(engine: Engine):
    names = _registered_table_names()
    assert {"cases", "persons", "case_events"} <= names

    def include(obj, name, type_, reflected, compare_to) -> bool:
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return table is None or table.name in names

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include})
        diff = compare_metadata(context, migrate.target_metadata())
    assert diff == [], "a table or column of a module in migrate.TABLE_MODULES has no Alembic migration"
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_every_store_table_is_registered_for_migrations():
    for info in pkgutil.iter_modules(ctkit.store.__path__, "ctkit.store."):
        if info.name != "ctkit.store.migrations":
            importlib.import_module(info.name)
    missing = sorted(set(Base.metadata.tables) - _registered_table_names())
    assert missing == [], "tables on Base.metadata whose module is not in migrate.TABLE_MODULES"


def test_tables_created_before_their_migration_are_adopted(engine: Engine):
    """A store whose web tables were created by ensure_tables before revision 0002 still upgrades."""
    from alembic import command

    config = migrate.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    from ctkit.store.accounts import ensure_tables

    ensure_tables(engine)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_upgrade_is_idempotent(engine: Engine):
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_sqlite_pragmas(tmp_path):
    engine = ctkit.store.make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    engine.dispose()
