"""Training pages and API: vignettes, scoring with misses explained, the trainer's class report with kappa."""

from __future__ import annotations

import re

import pytest

TRAINEES = ("screener", "case_worker", "supervisor")
VIGNETTE = "fisherman_deceived_beaten"


def post(clients, role, path, **kw):
    client, token = clients[role]
    return client.post(path, headers={"X-CSRF-Token": token}, **kw)


@pytest.mark.parametrize("role", (*TRAINEES, "trainer"))
def test_vignette_library(clients, role):
    client, _ = clients[role]
    vignettes = client.get("/api/v1/training/vignettes").json()
    assert len(vignettes) >= 24 and "key" not in vignettes[0]
    assert client.get("/training").status_code == 200


@pytest.mark.parametrize("role", ("analyst", "administrator"))
def test_other_roles_are_refused(clients, role):
    client, _ = clients[role]
    assert client.get("/api/v1/training/vignettes").status_code == 403
    assert post(clients, role, f"/api/v1/training/{VIGNETTE}", json={}).status_code == 403


@pytest.mark.parametrize("role", TRAINEES)
def test_only_trainers_see_the_class(clients, role):
    client, _ = clients[role]
    response = client.get("/api/v1/training/class")
    assert response.status_code == 403
    assert client.get("/training/class").status_code == 403


def test_signed_out_is_refused(sqlite_world):
    client = sqlite_world.client()
    assert client.get("/api/v1/training/class").status_code == 401
    assert client.get("/training").status_code == 303


def test_score_page_explains_misses_and_the_class_report_has_kappa(clients):
    client, token = clients["case_worker"]
    page = client.get(f"/training/{VIGNETTE}")
    assert page.status_code == 200 and 'id="story"' in page.text
    scored = client.post(f"/training/{VIGNETTE}", data={"csrf_token": token, "a:co_violence_person": "yes",
                                                       "outcome": "refer"})
    assert scored.status_code == 200, scored.text
    assert "Missed:" in scored.text and "Teaching note" in scored.text
    api = post(clients, "screener", f"/api/v1/training/{VIGNETTE}", json={"answers": {}, "outcome": "insufficient"})
    assert api.status_code == 200 and api.json()["outcome_correct"] is False and api.json()["missed"]
    report = clients["trainer"][0].get("/api/v1/training/class").json()
    names = {t["trainee"] for t in report["trainees"]}
    assert {"worker_a", "screener_a"} <= names and report["attempts"] >= 2
    assert -1 <= report["kappa_outcomes"] <= 1
    page = clients["trainer"][0].get("/training/class")
    assert page.status_code == 200 and re.search(r"kappa", page.text, re.I)


def test_bad_attempts_are_named(clients):
    bad = post(clients, "screener", f"/api/v1/training/{VIGNETTE}", json={"answers": {"nope": "yes"}})
    assert bad.status_code == 422 and "nope" in bad.json()["message"]
    assert post(clients, "screener", "/api/v1/training/no_such_vignette", json={}).status_code == 404
    wrong = post(clients, "screener", f"/api/v1/training/{VIGNETTE}", json={"outcome": "guilty"})
    assert wrong.status_code == 422


@pytest.mark.parametrize(("role", "shown", "hidden"), [
    ("screener", ("/screening", "/training", "/casework"), ("/extract", "/estimate", "/analyse")),
    ("analyst", ("/extract", "/estimate", "/analyse"), ("/screening", "/training", "/casework")),
    ("trainer", ("/training",), ("/screening", "/extract", "/estimate", "/analyse", "/casework")),
])
def test_navigation_links_follow_the_matrix(clients, role, shown, hidden):
    from ctkit.web.policy import matrix

    html = clients[role][0].get("/").text
    for path in shown:
        assert f'href="{path}"' in html
    for path in hidden:
        assert f'href="{path}"' not in html
    actions = {"/screening": "screening.run", "/training": "training.use", "/extract": "text.extract",
               "/estimate": "estimate.run", "/analyse": "snapshot.view", "/casework": "case.list"}
    for path in shown:
        assert matrix().scopes(role, actions[path])
