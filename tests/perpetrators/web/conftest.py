"""The web fixtures (a real app on a real store, SQLite and PostgreSQL; the browser and its server) for the
perpetrator web tests."""

from tests.web.conftest import postgres_world, sqlite_world, world  # noqa: F401 (fixtures, used by name)
from tests.web.test_browser import browser, chromium_path_module, page, server  # noqa: F401 (fixtures)
