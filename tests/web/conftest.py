"""Web fixtures: a real app on a real store (SQLite file, or a fresh schema on the test PostgreSQL) with two
organisations, a user per role, and cases in every scope relation; every personal field holds the leak canary.
"""

from __future__ import annotations

import base64
import os
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text, update

from ctkit.model import Case, IdentityDocument, Person, PersonalData, Referral, TraffickingEvent
from ctkit.settings import load_settings
from ctkit.store import accounts as acc
from ctkit.store import tables as t
from ctkit.store.datastore import Store, init_store, open_store
from ctkit.store.db import make_engine, transaction
from ctkit.web import create_app

with warnings.catch_warnings():
    # Starlette warns at import that it prefers httpx2; the client works the same with httpx.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

# Cheap argon2id parameters: the suite hashes dozens of passwords on a small machine.
acc.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))

CANARY = "CANARYq7Zx"  # planted in every personal field; must never appear where personal data is hidden
PASSWORD = "correct horse battery staple"
ORG_A, ORG_B = "0a000000-0000-4000-8000-00000000000a", "0b000000-0000-4000-8000-00000000000b"


def canary_person() -> Person:
    c = CANARY
    return Person(sex="female", age_years=24, age_reference_date=date(2025, 1, 1), citizenship=["UKR"],
                  personal=PersonalData(first_name=f"{c}first", middle_name=f"{c}middle", last_name=f"{c}last",
                                        birth_date=date(2001, 2, 3), phone=f"+7{c}", email=f"{c}@example.org",
                                        address=f"{c} street 1", narrative=f"{c} narrative",
                                        documents=[IdentityDocument(kind="passport", number=f"{c}42")]))


def new_case(org: str, referrals: tuple[str, ...] = (), referral_status: str = "accepted") -> Case:
    return Case(organisation_id=org, registered_on=date(2025, 3, 1), person=canary_person(),
                events=[TraffickingEvent(type="recruitment", country="UKR"),
                        TraffickingEvent(type="exploitation", country="RUS", region="RU-KGD")],
                referrals=[Referral(to_organisation_id=o, service="shelter", sent_on=date(2025, 3, 2),
                                    status=referral_status) for o in referrals])


@dataclass
class World:
    """The fixture world: store, app, users by name (with TOTP secrets) and cases by relation."""

    store: Store
    app: object
    backend: str
    users: dict[str, acc.User] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    cases: dict[str, str] = field(default_factory=dict)

    def client(self, address: str = "testclient") -> TestClient:
        return TestClient(self.app, raise_server_exceptions=False, follow_redirects=False, client=(address, 50000))

    def totp(self, name: str) -> str:
        """The current code of ``name``, usable once: the user's spent step is forgotten first, as if the
        fixtures' many sign-ins of one user were 30 s apart (tests of replay protection spend codes directly)."""
        with self.store.engine.begin() as conn:
            conn.execute(update(acc.users).where(acc.users.c.id == self.users[name].id).values(totp_last_step=None))
        return pyotp.TOTP(self.secrets[name]).now()

    def login(self, name: str, address: str = "testclient") -> tuple[TestClient, str]:
        """A client signed in as ``name`` through the JSON API; returns it and the CSRF token."""
        client = self.client(address)
        response = client.post("/api/v1/session", json={"username": name, "password": PASSWORD,
                                                       "totp": self.totp(name)})
        assert response.status_code == 201, response.text
        return client, response.json()["csrf_token"]


USERS = {  # name: (organisation, role, in team)
    "screener_a": (ORG_A, "screener", True), "worker_a": (ORG_A, "case_worker", True),
    "worker2_a": (ORG_A, "case_worker", True), "lone_worker_a": (ORG_A, "case_worker", False),
    "supervisor_a": (ORG_A, "supervisor", False), "analyst_a": (ORG_A, "analyst", False),
    "trainer_a": (ORG_A, "trainer", False), "admin_a": (ORG_A, "administrator", False),
    "worker_b": (ORG_B, "case_worker", False), "supervisor_b": (ORG_B, "supervisor", False),
    "locked_a": (ORG_A, "case_worker", False), "reset_a": (ORG_A, "analyst", False),
}


def _populate(world: World) -> None:
    store = world.store
    cases = {"own": new_case(ORG_A), "assigned": new_case(ORG_A), "team": new_case(ORG_A),
             "org": new_case(ORG_A), "other_org": new_case(ORG_B), "referred": new_case(ORG_B, (ORG_A,)),
             # A referral not yet accepted opens nothing to the receiving organisation.
             "pending": new_case(ORG_B, (ORG_A,), referral_status="sent"),
             "screened": new_case(ORG_A)}
    with store.engine.begin() as conn:
        conn.execute(t.organisations.insert(), [
            {"id": o, "name": n, "type": "ngo", "services": [], "languages": []}
            for o, n in ((ORG_A, "Org A"), (ORG_B, "Org B"))])
    store.cases.add_many(cases.values())
    with transaction(store.engine) as session:
        team = acc.create_team(session, ORG_A, "Team A")
        for name, (org, role, in_team) in USERS.items():
            user, secret = acc.create_user(session, organisation_id=org, username=name, role=role,
                                           password=PASSWORD, cipher=store.cipher, team_id=team if in_team else None)
            world.users[name], world.secrets[name] = user, secret
        u = world.users
        for relation, who, kind in (("own", "worker_a", "owner"), ("assigned", "worker_a", "assigned"),
                                    ("team", "worker2_a", "owner"), ("other_org", "worker_b", "owner"),
                                    ("referred", "worker_b", "owner"), ("pending", "worker_b", "owner"),
                                    ("screened", "screener_a", "owner")):
            acc.grant_case(session, cases[relation].id, u[who].id, kind)
    world.cases = {k: c.id for k, c in cases.items()}


def _settings(data_dir: Path, url: str | None):
    key = base64.b64encode(os.urandom(32)).decode()
    return load_settings(data_dir, environ={}, database_url=url, master_key=key, secure_cookies=False)


def _build(backend: str, data_dir: Path, url: str | None) -> World:
    settings = _settings(data_dir, url)
    init_store(settings)
    store = open_store(settings)
    acc.ensure_tables(store.engine)
    world = World(store=store, app=create_app(settings, store), backend=backend)
    _populate(world)
    return world


@pytest.fixture(scope="session")
def sqlite_world(tmp_path_factory) -> Iterator[World]:
    world = _build("sqlite", tmp_path_factory.mktemp("web-sqlite"), None)
    yield world
    world.store.close()


@pytest.fixture(scope="session")
def postgres_world(tmp_path_factory) -> Iterator[World]:
    url = os.environ.get("CTKIT_TEST_POSTGRES_URL", "")
    if not url:
        yield None  # type: ignore[misc]
        return
    schema = f"web_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    world = _build("postgresql", tmp_path_factory.mktemp("web-pg"), f"{url}{sep}options=-csearch_path%3D{schema}")
    yield world
    world.store.close()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request) -> World:
    """The fixture world on SQLite, then on PostgreSQL (skipped locally / failing in CI without it)."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_world")
    request.getfixturevalue("postgres_url")
    return request.getfixturevalue("postgres_world")


def user_row(world: World, name: str):
    with world.store.engine.connect() as conn:
        return conn.execute(select(acc.users).where(acc.users.c.username == name)).first()
