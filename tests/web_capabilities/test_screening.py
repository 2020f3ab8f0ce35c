"""Screening pages and API: roles, the adaptive no-JavaScript form, the result, saving on a case."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ctkit.store import tables as t
from ctkit.store.audit import audit_events
from tests.web.conftest import CANARY

ALLOWED = ("screener", "case_worker", "supervisor")
DENIED = ("analyst", "trainer", "administrator")
DOC = {"age": 34, "exploitation": ["labour"],
       "answers": {"dec_work_conditions": "yes", "dec_contract": "yes", "ex_excessive_hours": "yes",
                   "ex_low_no_pay": "yes", "ex_hazardous_work": "yes", "co_violence_person": "yes",
                   "co_threat_violence_person": "yes", "co_isolation_confinement": "yes"}}


def post(clients, role, path, **kw):
    client, token = clients[role]
    return client.post(path, headers={"X-CSRF-Token": token}, **kw)


@pytest.mark.parametrize("role", ALLOWED)
def test_api_screen_mirrors_the_cli_document(clients, role):
    response = post(clients, role, "/api/v1/screening?lang=ru", json=DOC)
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["outcome"] in ("refer", "ask_more", "insufficient")
    assert {"sets", "dimensions", "explanation", "next_questions", "catalogue", "disclaimer"} <= set(doc)
    assert doc["catalogue"]["status"] == "draft" and doc["catalogue"]["warning"]
    from ctkit.identify.screening import evaluate, get_catalogue, input_from_document, result_document

    cat = get_catalogue()
    assert doc == result_document(evaluate(cat, input_from_document(cat, DOC)), "ru")


@pytest.mark.parametrize("role", DENIED)
def test_other_roles_are_refused_with_the_policy_reason(clients, role):
    response = post(clients, role, "/api/v1/screening", json=DOC)
    assert response.status_code == 403
    assert clients[role][0].get("/screening").status_code == 403
    assert clients[role][0].get("/api/v1/screening/questions").status_code == 403


def test_signed_out_is_refused(sqlite_world):
    client = sqlite_world.client()
    assert client.post("/api/v1/screening", json=DOC).status_code == 401
    assert client.get("/screening").status_code == 303


def test_bad_input_names_the_item_and_saves_nothing(clients, sqlite_world):
    before = _count(sqlite_world, t.screenings)
    bad = {**DOC, "answers": {"no_such_indicator": "yes"}}
    response = post(clients, "case_worker", "/api/v1/screening/save", json=bad)
    assert response.status_code == 422 and "no_such_indicator" in response.json()["message"]
    child = {"age": 12, "exploitation": ["labour"], "sets": ["adult_labour"], "answers": {}}
    assert post(clients, "case_worker", "/api/v1/screening", json=child).status_code == 422
    assert _count(sqlite_world, t.screenings) == before


def test_questions_in_the_persons_language(clients):
    client, _ = clients["screener"]
    ru = client.get("/api/v1/screening/questions", params={"lang": "ru", "sets": ["adult_labour"]}).json()
    assert ru and all(q["key"] and q["question"] for q in ru)
    assert any("а" in q["question"] for q in ru)  # Cyrillic text


def test_form_without_javascript_reorders_and_shows_both_languages(clients):
    client, token = clients["screener"]
    start = client.get("/screening")
    assert start.status_code == 200 and "not a legal finding" in start.text
    data = {"csrf_token": token, "age": "30", "exploitation": "labour", "person_lang": "ru"}
    page = client.post("/screening", data=data)
    assert page.status_code == 200, page.text
    assert 'lang="ru"' in page.text and "Ask next" in page.text
    assert "stop at any time" in page.text and "остановиться в любой момент" in page.text  # the opening, twice
    first = _first_next(page.text)
    page2 = client.post("/screening", data={**data, f"a:{first}": "no"})
    assert _first_next(page2.text) != first  # an answered question leaves the "ask next" block
    partial = client.post("/screening", data={**data, f"a:{first}": "no"}, headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="screening">')


def test_result_page_and_save_on_an_editable_case(clients, sqlite_world):
    client, token = clients["case_worker"]
    data = {"csrf_token": token, "age": "34", "exploitation": "labour", "person_lang": "en",
            **{f"a:{k}": v for k, v in DOC["answers"].items()}}
    page = client.post("/screening/result", data=data)
    assert page.status_code == 200
    for text in ("not a legal finding", "DRAFT", 'id="explanation"', sqlite_world.cases["own"]):
        assert text in page.text
    assert sqlite_world.cases["org"] not in page.text  # not editable by this case worker
    case_id = sqlite_world.cases["own"]
    saved = client.post("/screening/save", data={**data, "case_id": case_id})
    assert saved.status_code == 303 and saved.headers["location"] == f"/cases/{case_id}"
    case = sqlite_world.store.cases.get(case_id)
    assert case.screenings and case.screenings[-1].catalogue_status == "draft"
    _assert_audited(sqlite_world, case_id, "case.edit")


def test_saving_where_the_policy_refuses(clients, sqlite_world):
    body = {**DOC, "case_id": sqlite_world.cases["other_org"]}
    assert post(clients, "case_worker", "/api/v1/screening/save", json=body).status_code == 404
    refused = post(clients, "screener", "/api/v1/screening/save", json={**DOC, "case_id": sqlite_world.cases["own"]})
    assert refused.status_code == 403 and "role_lacks_action" in refused.text


def test_anonymous_screening_becomes_a_new_case_owned_by_the_screener(clients, sqlite_world):
    response = post(clients, "screener", "/api/v1/screening/save", json=DOC)
    assert response.status_code == 201, response.text
    case_id = response.json()["case_id"]
    case = sqlite_world.store.cases.get(case_id)
    assert case.screenings[0].id == response.json()["screening_id"]
    assert case.person.personal.first_name is None
    assert clients["screener"][0].get(f"/api/v1/cases/{case_id}").status_code == 200
    _assert_audited(sqlite_world, case_id, "case.create")


def _first_next(html: str) -> str:
    import re

    block = html.split("Ask next", 1)[1]
    return re.search(r'name="a:([^"]+)"', block).group(1)


def _count(world, table) -> int:
    with world.store.engine.connect() as conn:
        return len(conn.execute(select(table.c.id)).all())


def _assert_audited(world, case_id: str, action: str) -> None:
    with world.store.engine.connect() as conn:
        rows = conn.execute(select(audit_events).where(audit_events.c.resource_id == case_id,
                                                       audit_events.c.action == action)).all()
    assert rows
    assert all(CANARY not in str(r) and "dec_contract" not in str(r) for r in rows)
