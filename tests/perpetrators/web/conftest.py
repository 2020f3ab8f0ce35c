"""The web fixtures (a real app on a real store, SQLite and PostgreSQL) for the perpetrator web tests."""

from tests.web.conftest import postgres_world, sqlite_world, world  # noqa: F401 (fixtures, used by name)
