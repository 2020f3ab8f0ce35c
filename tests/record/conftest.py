"""Casework fixtures: a real store (SQLite file) with three organisations in the service directory, users per
role, and the real policy behind :class:`PolicyAuthorizer`; a fixed clock for the record services.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import text

from ctkit.model import Case, Organisation
from ctkit.record import Casework, directory
from ctkit.store import accounts as acc
from ctkit.store.datastore import Store, init_store, open_store
from ctkit.store.db import make_engine, transaction
from ctkit.web import create_app
from ctkit.web.policy import Actor
from ctkit.web.routes_casework_access import PolicyAuthorizer
from tests.web.conftest import PASSWORD, World, _settings, canary_person  # noqa: F401 - also sets the cheap hasher

TODAY = date(2025, 6, 1)
REGISTERED = date(2025, 3, 1)
NGO, SHELTER, CLINIC = ("0c000000-0000-4000-8000-00000000000a", "0c000000-0000-4000-8000-00000000000b",
                        "0c000000-0000-4000-8000-00000000000c")
USERS = {"screener_a": (NGO, "screener"), "worker_a": (NGO, "case_worker"), "worker2_a": (NGO, "case_worker"),
         "supervisor_a": (NGO, "supervisor"), "worker_b": (SHELTER, "case_worker"),
         "supervisor_b": (SHELTER, "supervisor"), "worker_c": (CLINIC, "case_worker")}


@dataclass
class Desk:
    """The casework world: store, services with a fixed clock, users and their authorizers."""

    store: Store
    app: object
    cw: Casework
    world: World
    users: dict[str, acc.User] = field(default_factory=dict)

    def who(self, name: str) -> PolicyAuthorizer:
        user = self.users[name]
        return PolicyAuthorizer(Actor(user.id, user.organisation_id, None, user.role, True), self.store.engine)

    def new_case(self, owner: str = "worker_a", **values) -> str:
        case = Case(organisation_id=NGO, registered_on=REGISTERED, person=canary_person(), **values)
        self.store.cases.add(case)
        with transaction(self.store.engine) as session:
            acc.grant_case(session, case.id, self.users[owner].id, "owner")
        return case.id


def _build(data_dir, url: str | None) -> Desk:
    settings = _settings(data_dir, url)
    init_store(settings)
    store = open_store(settings)
    acc.ensure_tables(store.engine)
    app = create_app(settings, store)
    with store.engine.begin() as conn:
        directory.register(conn, Organisation(id=NGO, name="Outreach NGO", services=["legal_aid"],
                                              languages=["ru"], region="RU-KGD", country="RUS"))
        directory.register(conn, Organisation(id=SHELTER, name="Safe House", services=["shelter", "psychological"],
                                              languages=["ru", "en"], region="RU-KGD", country="RUS", capacity=20))
        directory.register(conn, Organisation(id=CLINIC, name="Clinic", services=["medical"], languages=["en"],
                                              country="POL", capacity=0))
    cw = Casework(store.engine, store.cases, reflection_days=settings.reflection_days, today=lambda: TODAY)
    d = Desk(store=store, app=app, cw=cw, world=World(store=store, app=app, backend=store.engine.dialect.name))
    with transaction(store.engine) as session:
        for name, (org, role) in USERS.items():
            user, secret = acc.create_user(session, organisation_id=org, username=name, role=role,
                                           password=PASSWORD, cipher=store.cipher)
            d.users[name] = user
            d.world.users[name], d.world.secrets[name] = user, secret
    return d


@pytest.fixture(scope="session")
def desk(tmp_path_factory) -> Iterator[Desk]:
    """The casework world on a SQLite file."""
    d = _build(tmp_path_factory.mktemp("casework"), None)
    yield d
    d.store.close()


@pytest.fixture(scope="session")
def pg_desk(tmp_path_factory) -> Iterator[Desk | None]:
    """The casework world in a fresh schema of the test PostgreSQL (None without CTKIT_TEST_POSTGRES_URL)."""
    url = os.environ.get("CTKIT_TEST_POSTGRES_URL", "")
    if not url:
        yield None
        return
    schema = f"casework_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    d = _build(tmp_path_factory.mktemp("casework-pg"), f"{url}{sep}options=-csearch_path%3D{schema}")
    yield d
    d.store.close()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_desk(request) -> Desk:
    """The casework world on SQLite, then on PostgreSQL (skipped locally / failing in CI without it)."""
    if request.param == "sqlite":
        return request.getfixturevalue("desk")
    request.getfixturevalue("postgres_url")
    return request.getfixturevalue("pg_desk")
