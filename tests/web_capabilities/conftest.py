"""Fixtures for the capability pages: the web suite's world (real app, real store, a user per role)."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import World, postgres_world, sqlite_world, world  # noqa: F401  (fixtures, re-exported)

ROLES = {"screener": "screener_a", "case_worker": "worker_a", "supervisor": "supervisor_a",
         "analyst": "analyst_a", "trainer": "trainer_a", "administrator": "admin_a"}


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


@pytest.fixture(scope="session")
def clients(sqlite_world):  # noqa: F811
    """One signed-in client per role (sign-ins are the slow part of these tests)."""
    return {role: sqlite_world.login(name) for role, name in ROLES.items()}


@pytest.fixture(scope="session")
def gazetteer_cache(tmp_path_factory):
    """The extractor's gazetteer cache in a session temporary directory (hermetic; built once, a few seconds)."""
    import os

    previous = os.environ.get("CTKIT_CACHE_DIR")
    os.environ["CTKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("ctkit-cache"))
    yield
    if previous is None:
        os.environ.pop("CTKIT_CACHE_DIR", None)
    else:
        os.environ["CTKIT_CACHE_DIR"] = previous
