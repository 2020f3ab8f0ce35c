"""Run the Alembic migrations of the store (placeholder until the first migration lands)."""

from __future__ import annotations

from sqlalchemy import Engine


def upgrade(engine: Engine) -> None:
    """Upgrade ``engine``'s database to the newest migration (no-op until migrations exist)."""
    return None
