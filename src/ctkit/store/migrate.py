"""Alembic migrations of the store: upgrade a database to the newest schema, or say which revision it is at.

Migrations live in ``ctkit/store/migrations/versions``; every table on ``Base.metadata`` must be created by one
(a test compares a freshly migrated database with the metadata).
"""

from __future__ import annotations

import importlib
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData

# Modules that define tables on Base.metadata; imported before comparing or autogenerating.
TABLE_MODULES: tuple[str, ...] = (
    "ctkit.store.tables", "ctkit.store.accounts", "ctkit.store.audit", "ctkit.store.casework_tables",
    "ctkit.store.training_tables", "ctkit.store.ledger_tables", "ctkit.store.link_tables",
    "ctkit.store.perpetrator_tables",
)


def target_metadata() -> MetaData:
    """``Base.metadata`` with every table module imported (what the migrations must produce)."""
    from ctkit.store.db import Base

    for name in TABLE_MODULES:
        importlib.import_module(name)
    return Base.metadata


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged migration scripts (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("ctkit.store").joinpath("migrations")))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade ``engine``'s database to ``revision`` (default: newest) in one transaction per backend rules."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this version of ctkit."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
