"""Alembic environment: always run with a connection handed over by :func:`ctkit.store.migrate.upgrade`."""

from __future__ import annotations

from alembic import context

from ctkit.store.migrate import target_metadata

connection = context.config.attributes["connection"]
# Batch mode lets later migrations ALTER tables on SQLite (which rebuilds the table).
context.configure(connection=connection, target_metadata=target_metadata(), render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
