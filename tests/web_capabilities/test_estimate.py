"""Estimation pages and API for analysts: CSV upload, the store's histories, chart without CDN, refusals."""

from __future__ import annotations

import pytest

CSV = b"police,ngo,health,count\n1,0,0,120\n0,1,0,80\n1,1,0,9\n0,0,1,40\n1,0,1,5\n1,1,1,2\n0,1,1,6\n"
ROWS = [{"police": 1, "ngo": 0, "count": 120}, {"police": 0, "ngo": 1, "count": 80},
        {"police": 1, "ngo": 1, "count": 9}]
DENIED = ("screener", "case_worker", "supervisor", "trainer", "administrator")


def post(clients, role, path, **kw):
    client, token = clients[role]
    return client.post(path, headers={"X-CSRF-Token": token}, **kw)


def test_api_estimate_matches_the_library(clients):
    from ctkit.estimate import estimate, from_frame

    response = post(clients, "analyst", "/api/v1/estimate", json={"rows": ROWS, "method": "main"})
    assert response.status_code == 200, response.text
    doc = response.json()
    import pandas as pd

    expected = estimate(from_frame(pd.DataFrame(ROWS)), method="main")
    assert doc["estimate"] == pytest.approx(expected.estimate)
    assert {"ci_low", "ci_high", "method", "model", "warnings", "sensitivity", "provenance"} <= set(doc)


@pytest.mark.parametrize("role", DENIED)
def test_other_roles_are_refused(clients, role):
    response = post(clients, role, "/api/v1/estimate", json={"rows": ROWS})
    assert response.status_code == 403 and "not allow" in response.json()["message"]
    assert clients[role][0].get("/estimate").status_code == 403


def test_signed_out_is_refused(sqlite_world):
    assert sqlite_world.client().post("/api/v1/estimate", json={"rows": ROWS}).status_code == 401
    assert sqlite_world.client().get("/estimate").status_code == 303


def test_page_with_csv_bootstrap_and_chart(clients):
    client, token = clients["analyst"]
    assert client.get("/estimate").status_code == 200
    page = client.post("/estimate", data={"csrf_token": token, "source": "file", "method": "stepwise",
                                          "bootstrap": "20", "seed": "7"},
                       files={"file": ("lists.csv", CSV, "text/csv")})
    assert page.status_code == 200, page.text
    assert 'id="estimate"' in page.text and "bca" in page.text
    assert 'data-figure="figure-sensitivity"' in page.text and "/analyse/assets/plotly.min.js" in page.text
    assert "cdn" not in page.text.lower()
    assert client.get("/analyse/assets/plotly.min.js").status_code == 200  # the analyst may load the script


def test_bad_input_is_named(clients):
    client, token = clients["analyst"]
    bad = client.post("/estimate", data={"csrf_token": token, "source": "file"},
                      files={"file": ("x.csv", b"police,count\n1,3\n", "text/csv")})
    assert bad.status_code == 422
    latin = client.post("/estimate", data={"csrf_token": token, "source": "file"},
                        files={"file": ("x.csv", "a,b\n1,\xe9\n".encode("latin-1"), "text/csv")})
    assert latin.status_code == 422 and "UTF-8" in latin.text
    big = post(clients, "analyst", "/api/v1/estimate", json={"rows": ROWS, "bootstrap": 100_000})
    assert big.status_code == 422


def test_store_histories(clients, sqlite_world):
    from datetime import date

    from ctkit.model import Case

    if not any(h.agencies for h in sqlite_world.store.cases.persons_capture_histories()):
        # The fixture cases have no recording agencies: a clear refusal, not an error page.
        refused = post(clients, "analyst", "/api/v1/estimate", json={"source": "store"})
        assert refused.status_code == 404 and "agency" in refused.json()["message"]
        patterns = [("police",)] * 30 + [("ngo",)] * 20 + [("police", "ngo")] * 6 + [("health",)] * 10 + \
            [("police", "health")] * 3 + [("ngo", "health")] * 2
        sqlite_world.store.cases.add_many(Case(registered_on=date(2025, 1, 1), recorded_by=list(p))
                                          for p in patterns)
    response = post(clients, "analyst", "/api/v1/estimate", json={"source": "store", "method": "main"})
    assert response.status_code == 200, response.text
    assert response.json()["lists"] == ["health", "ngo", "police"]
