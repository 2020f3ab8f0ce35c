"""The analysts' dashboard in the real app: who may see it, filters, bad input, the JSON API, no inline script."""

from __future__ import annotations

import base64
import os
import re
import warnings

import pyotp
import pytest
from argon2 import PasswordHasher

from ctkit.analyse import synthetic_snapshot
from ctkit.settings import load_settings
from ctkit.store import accounts as acc
from ctkit.store.datastore import init_store, open_store
from ctkit.store.db import transaction
from ctkit.web import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

PASSWORD = "correct horse battery staple"
ORG = "0a000000-0000-4000-8000-00000000000a"


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    acc.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    data_dir = tmp_path_factory.mktemp("web-analyse")
    settings = load_settings(data_dir, environ={}, master_key=base64.b64encode(os.urandom(32)).decode(),
                             secure_cookies=False)
    init_store(settings)
    store = open_store(settings)
    acc.ensure_tables(store.engine)
    secrets = {}
    with transaction(store.engine) as session:
        for name, role in (("analyst", "analyst"), ("worker", "case_worker")):
            _, secrets[name] = acc.create_user(session, organisation_id=ORG, username=name, role=role,
                                               password=PASSWORD, cipher=store.cipher)
    app = create_app(settings, store)
    yield app, secrets, data_dir
    store.close()


def login(web, name: str) -> TestClient:
    app, secrets, _ = web
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    response = client.post("/api/v1/session", json={"username": name, "password": PASSWORD,
                                                   "totp": pyotp.TOTP(secrets[name]).now()})
    assert response.status_code == 201, response.text
    return client


def test_no_snapshot_yet_is_a_clear_404(web):
    response = login(web, "analyst").get("/api/v1/analyse/profiles")
    assert response.status_code == 404 and "ctkit snapshot" in response.text


def test_dashboard_draws_charts_without_inline_script(web):
    synthetic_snapshot(2000, seed=5).write(web[2] / "snapshot")
    client = login(web, "analyst")
    page = client.get("/analyse?sex=female&year_from=2018")
    assert page.status_code == 200, page.text
    html = page.text
    assert 'data-figure="figure-sankey"' in html and 'id="figure-map"' in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in s or 'type="application/json"' in s for s in scripts)  # nothing executable inline
    assert client.get("/analyse/assets/plotly.min.js").status_code == 200
    assert client.get("/analyse/assets/dashboard.js").status_code == 200
    assert client.get("/analyse/assets/other.js").status_code == 404


def test_api_returns_tidy_rows_and_refuses_bad_filters(web):
    synthetic_snapshot(2000, seed=5).write(web[2] / "snapshot")
    client = login(web, "analyst")
    rows = client.get("/api/v1/analyse/routes?level=region&view=roles").json()
    assert {"place", "role", "count", "share"} <= set(rows[0])
    assert any(r["place"] == "RU-KGD" for r in rows)
    bad = client.get("/api/v1/analyse/profiles?sex=robot")
    assert bad.status_code == 422 and "not a valid sex" in bad.text
    assert client.get("/api/v1/analyse/nonsense").status_code == 422
    empty = client.get("/analyse?citizenship=ISL")
    assert empty.status_code == 200 and "this is not a zero" in empty.text


def test_only_roles_with_snapshot_view_get_in(web):
    assert login(web, "worker").get("/api/v1/analyse/profiles").status_code == 403
    anonymous = TestClient(web[0], raise_server_exceptions=False, follow_redirects=False)
    assert anonymous.get("/api/v1/analyse/profiles").status_code == 401
