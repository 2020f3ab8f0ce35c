"""Extraction pages and API: roles, highlighting without HTML injection, upload checks, confirming into a case."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ctkit.store.audit import audit_events
from tests.web.conftest import CANARY

pytestmark = pytest.mark.usefixtures("gazetteer_cache")
TEXT = ("Anna, a Ukrainian woman, was recruited in Kyiv with a false job offer and taken via Warsaw to Berlin, "
        "where she was forced into prostitution. Her passport was taken and she was beaten. <script>x</script>")
ALLOWED = ("case_worker", "supervisor", "analyst")
DENIED = ("screener", "trainer", "administrator")


def post(clients, role, path, **kw):
    client, token = clients[role]
    return client.post(path, headers={"X-CSRF-Token": token}, **kw)


@pytest.mark.parametrize("role", ALLOWED)
def test_api_extract(clients, role):
    response = post(clients, role, "/api/v1/extract", json={"text": TEXT})
    assert response.status_code == 200, response.text
    facts = response.json()
    assert {p["name"] for p in facts["places"]} >= {"Kyiv", "Warsaw", "Berlin"}
    assert "leg|exploitation|DE|Berlin" in {c["value"] for c in facts["choices"]}


@pytest.mark.parametrize("role", DENIED)
def test_other_roles_are_refused(clients, role):
    assert post(clients, role, "/api/v1/extract", json={"text": TEXT}).status_code == 403
    assert clients[role][0].get("/extract").status_code == 403


def test_signed_out_is_refused(sqlite_world):
    assert sqlite_world.client().post("/api/v1/extract", json={"text": TEXT}).status_code == 401


def test_page_highlights_the_evidence_and_escapes_the_text(clients):
    client, token = clients["case_worker"]
    assert client.get("/extract").status_code == 200
    page = client.post("/extract", data={"csrf_token": token, "text": TEXT})
    assert page.status_code == 200, page.text
    assert "<script>x</script>" not in page.text and "&lt;script&gt;x&lt;/script&gt;" in page.text
    assert re.search(r'<mark title="[^"]*Berlin: destination[^"]*" tabindex="0">Berlin</mark>', page.text)
    assert 'value="means|withholds_documents"' in page.text


def test_upload_is_checked(clients):
    client, token = clients["case_worker"]
    ok = client.post("/extract", data={"csrf_token": token}, files={"file": ("n.txt", TEXT.encode(), "text/plain")})
    assert ok.status_code == 200 and "Berlin" in ok.text
    latin1 = client.post("/extract", data={"csrf_token": token},
                         files={"file": ("n.txt", "Straße in München".encode("latin-1"), "text/plain")})
    assert latin1.status_code == 422 and "UTF-8" in latin1.text and "nchen" not in latin1.text
    big = client.post("/extract", data={"csrf_token": token}, files={"file": ("n.txt", b"a" * 500_000, "text/plain")})
    assert big.status_code in (413, 422)
    empty = client.post("/extract", data={"csrf_token": token, "text": "   "})
    assert empty.status_code == 422


def test_confirm_into_a_new_case_and_an_existing_one(clients, sqlite_world):
    client, token = clients["case_worker"]
    facts = ["leg|recruitment|UA|Kyiv", "leg|exploitation|DE|Berlin", "exploitation|sexual_exploitation",
             "sectors|sex_industry", "means|withholds_documents"]
    new = client.post("/extract/confirm", data={"csrf_token": token, "fact": facts, "case_id": ""})
    assert new.status_code == 303
    case_id = new.headers["location"].rsplit("/", 1)[1]
    case = sqlite_world.store.cases.get(case_id)
    assert [(e.type, e.country) for e in case.route()] == [("recruitment", "UKR"), ("exploitation", "DEU")]
    assert [(x.form, x.sector) for x in case.exploitations] == [("sexual", "sex_industry")]
    assert case.means_of_control["withholds_documents"] == "yes"
    own = sqlite_world.cases["own"]
    again = post(clients, "case_worker", "/api/v1/extract/confirm", json={"facts": facts[:2], "case_id": own})
    assert again.status_code == 201
    assert ("exploitation", "DEU") in {(e.type, e.country) for e in sqlite_world.store.cases.get(own).events}
    with sqlite_world.store.engine.connect() as conn:
        rows = conn.execute(select(audit_events).where(audit_events.c.resource_id.in_([case_id, own]))).all()
    assert rows and all("Berlin" not in str(r) and CANARY not in str(r) for r in rows)


def test_confirm_refusals(clients, sqlite_world):
    body = {"facts": ["exploitation|forced_labour"]}
    analyst = post(clients, "analyst", "/api/v1/extract/confirm", json=body)
    assert analyst.status_code == 403 and "role_lacks_action" in analyst.text
    other = post(clients, "case_worker", "/api/v1/extract/confirm",
                 json={**body, "case_id": sqlite_world.cases["other_org"]})
    assert other.status_code == 404
    bad = post(clients, "case_worker", "/api/v1/extract/confirm", json={"facts": ["leg|exploitation|ZZ|Nowhere"]})
    assert bad.status_code == 422 and "Nowhere" not in bad.text
