"""The operational store: tables, migrations, repositories and field encryption."""

from ctkit.store.db import Base, create_schema, make_engine, session_factory, transaction

__all__ = ["Base", "create_schema", "make_engine", "session_factory", "transaction"]
