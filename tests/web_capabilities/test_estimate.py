"""Estimation pages and API for analysts: CSV upload, the store's histories, chart without CDN, refusals."""

from __future__ import annotations

import json
import re

import pytest

from tests.web.test_browser import UNLABELLED, browser, chromium_path_module, page, server, sign_in  # noqa: F401

CSV = b"police,ngo,health,count\n1,0,0,120\n0,1,0,80\n1,1,0,9\n0,0,1,40\n1,0,1,5\n1,1,1,2\n0,1,1,6\n"
ROWS = [{"police": 1, "ngo": 0, "count": 120}, {"police": 0, "ngo": 1, "count": 80},
        {"police": 1, "ngo": 1, "count": 9}]
ROWS_3 = [{"police": 1, "ngo": 0, "health": 0, "count": 120}, {"police": 0, "ngo": 1, "health": 0, "count": 80},
          {"police": 1, "ngo": 1, "health": 0, "count": 9}, {"police": 0, "ngo": 0, "health": 1, "count": 40},
          {"police": 1, "ngo": 0, "health": 1, "count": 5}, {"police": 1, "ngo": 1, "health": 1, "count": 2},
          {"police": 0, "ngo": 1, "health": 1, "count": 6}]
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
    shown = client.post("/estimate", data={"csrf_token": token, "source": "file", "method": "stepwise",
                                          "bootstrap": "20", "seed": "7"},
                       files={"file": ("lists.csv", CSV, "text/csv")})
    assert shown.status_code == 200, shown.text
    assert 'id="estimate"' in shown.text and "bca" in shown.text
    assert 'data-figure="figure-sensitivity"' in shown.text and "/analyse/assets/plotly.min.js" in shown.text
    # nothing loaded from elsewhere (a bare "cdn" substring check once failed on a random CSRF token)
    assert not re.search(r'(src|href)="(https?:)?//', shown.text), "a script or style from another host"
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
    bayesian = post(clients, "analyst", "/api/v1/estimate",
                    json={"source": "store", "method": "bayes-threshold", "seed": 1, **FAST_THRESHOLD})
    assert bayesian.status_code == 200 and bayesian.json()["interval"] == "credible", bayesian.text
    from sqlalchemy import select

    from ctkit.store.audit import audit_events

    with sqlite_world.store.engine.connect() as conn:
        runs = conn.execute(select(audit_events.c.details).where(audit_events.c.action == "estimate.run")
                            .order_by(audit_events.c.seq)).scalars().all()
    assert [(d["method"], d["source"]) for d in runs[-2:]] == [("main", "store"), ("bayes-threshold", "store")]


# -- the Bayesian methods (short seeded chains: seconds, not the package's default run) -------------------------------

FAST_LCMCR = {"burnin": 200, "classes": 4, "samples": 100, "thinning": 2}
FAST_THRESHOLD = {"burnin": 200, "mcmc": 1000, "thin": 2}


def test_api_lcmcr_matches_the_library(clients):
    import pandas as pd

    from ctkit.estimate import estimate_bayesian, from_frame

    body = {"rows": ROWS_3, "method": "lcmcr", "seed": 11, **FAST_LCMCR}
    response = post(clients, "analyst", "/api/v1/estimate", json=body)
    assert response.status_code == 200, response.text
    doc = response.json()
    expected = estimate_bayesian(from_frame(pd.DataFrame(ROWS_3)), method="lcmcr", seed=11, burnin=200, K=4,
                                 samples=100, thinning=2)
    assert doc["estimate"] == pytest.approx(expected.estimate) and doc["interval"] == "credible"
    assert doc["ci_low"] == pytest.approx(expected.ci_low) and doc["ci_high"] == pytest.approx(expected.ci_high)
    posterior = doc["diagnostics"]["posterior"]
    assert posterior["draws"] == 100 and posterior["effective_sample_size"] > 0 and posterior["mcse"]
    assert len(doc["diagnostics"]["trace"]) == 100
    assert doc["provenance"]["seed"] == 11 and doc["provenance"]["settings"]["K"] == 4
    assert doc["provenance"]["settings"]["burnin"] == 200


def test_api_threshold_uses_the_package_defaults_it_is_not_given(clients):
    body = {"rows": ROWS_3, "method": "bayes-threshold", "seed": 3, "mcmc": 2000, "thin": 4}
    response = post(clients, "analyst", "/api/v1/estimate", json=body)
    assert response.status_code == 200, response.text
    doc = response.json()
    settings = doc["provenance"]["settings"]
    assert settings["burnin"] == 1000 and settings["prior"] == "proper" and settings["threshold"] == 2.0
    assert doc["diagnostics"]["posterior"]["draws"] == 500 and doc["ci_low"] <= doc["estimate"] <= doc["ci_high"]
    assert doc["provenance"]["seed"] == 3


def test_a_bayesian_run_without_a_seed_gets_one_and_can_be_repeated(clients):
    body = {"rows": ROWS_3, "method": "bayes-threshold", **FAST_THRESHOLD}
    first = post(clients, "analyst", "/api/v1/estimate", json=body).json()
    seed = first["provenance"]["seed"]
    assert isinstance(seed, int)
    again = post(clients, "analyst", "/api/v1/estimate", json=body | {"seed": seed}).json()
    assert again["estimate"] == first["estimate"] and again["ci_high"] == first["ci_high"]


def test_page_lcmcr_shows_posterior_trace_warning_and_provenance(clients):
    client, token = clients["analyst"]
    start = client.get("/estimate").text
    assert 'name="classes"' in start and 'value="10"' in start  # the package defaults fill the form
    assert "50,000" in start and "200,000" in start  # the bound is stated
    shown = client.post("/estimate", data={"csrf_token": token, "source": "file", "method": "lcmcr", "seed": "5",
                                          **{k: str(v) for k, v in FAST_LCMCR.items()}, "samples": "40"},
                       files={"file": ("lists.csv", CSV, "text/csv")})
    assert shown.status_code == 200, shown.text
    assert "credible" in shown.text and 'id="ess"' in shown.text and 'id="mcse"' in shown.text
    assert 'data-figure="figure-trace"' in shown.text and "/analyse/assets/dashboard.js" in shown.text
    assert 'id="figure-sensitivity"' not in shown.text  # one model: nothing to compare
    # 40 draws cannot reach an effective sample size of 100: the library's warning and the page's note
    assert "effective sample size" in shown.text and 'id="low-ess"' in shown.text
    assert '<span id="seed-used">5</span>' in shown.text and "<code>K</code></th><td>4</td>" in shown.text
    assert 'name="samples" type="number" min="1" max="50000" value="40"' in shown.text  # the form keeps the choice


def test_page_threshold_shows_stages_and_interaction_statistics(clients):
    client, token = clients["analyst"]
    shown = client.post("/estimate", data={"csrf_token": token, "source": "file", "method": "bayes-threshold",
                                          "seed": "2", **{k: str(v) for k, v in FAST_THRESHOLD.items()}},
                       files={"file": ("lists.csv", CSV, "text/csv")})
    assert shown.status_code == 200, shown.text
    assert 'id="thresholds"' in shown.text and "police:ngo" in shown.text
    assert 'data-figure="figure-sensitivity"' in shown.text and 'data-figure="figure-trace"' in shown.text
    assert "<code>mcmc</code></th><td>1000</td>" in shown.text


def test_page_in_russian(clients):
    client, token = clients["analyst"]
    assert client.post("/language", data={"csrf_token": token, "lang": "ru"}).status_code < 400
    try:  # the language is the user's: the other tests of the session read English
        shown = client.post("/estimate", data={"csrf_token": token, "source": "file", "method": "lcmcr", "seed": "1",
                                              **{k: str(v) for k, v in FAST_LCMCR.items()}},
                           files={"file": ("lists.csv", CSV, "text/csv")})
    finally:
        client.post("/language", data={"csrf_token": token, "lang": "en"})
    assert shown.status_code == 200, shown.text
    assert "Эффективный размер выборки" in shown.text and "апостериорная медиана" in shown.text
    assert "Прогрев (пусто: значение метода по умолчанию, 10,000" in shown.text
    figure = re.search(r'<script type="application/json" id="figure-trace">(.*?)</script>', shown.text, re.S)
    assert json.loads(figure.group(1))["layout"]["title"]["text"].startswith("Трасса общей численности")


def test_trace_chart_places_each_kept_point_at_its_draw():
    import pandas as pd

    from ctkit.estimate import estimate_bayesian, from_frame
    from ctkit.web.routes_estimate import trace_json

    result = estimate_bayesian(from_frame(pd.DataFrame(ROWS_3)), method="lcmcr", seed=1, burnin=0, K=3,
                               samples=1200, thinning=1)
    figure = json.loads(trace_json(result, lambda text: text))
    line = figure["data"][0]
    assert len(line["y"]) == 600 and line["x"][:2] == [1, 3] and line["x"][-1] == 1199  # every second draw
    assert [shape["y0"] for shape in figure["layout"]["shapes"]] == [result.ci_low, result.estimate, result.ci_high]


@pytest.mark.parametrize(("settings", "field"), [
    ({"method": "lcmcr", "classes": 1000}, "classes"),
    ({"method": "lcmcr", "samples": 0}, "samples"),
    ({"method": "lcmcr", "burnin": 40_000, "samples": 2000, "thinning": 10}, "burnin, samples, thinning"),
    ({"method": "bayes-threshold", "burnin": 150_000, "mcmc": 100_000}, "burnin, mcmc"),
    ({"method": "bayes-threshold", "mcmc": 100, "thin": 200}, "thin"),
    ({"method": "bayes-threshold", "prior": "vague"}, "prior"),
    ({"method": "bayes-threshold", "prior_variance": 0}, "prior_variance"),
    ({"method": "bayes-threshold", "max_order": 3}, "max_order"),  # three lists only
    ({"method": "bayes-threshold", "classes": 5}, "classes"),  # lcmcr's, silently unused otherwise
    ({"method": "stepwise", "mcmc": 500}, "mcmc"),
    ({"method": "lcmcr", "bootstrap": 50}, "bootstrap"),
])
def test_api_bad_bayesian_settings_are_named(clients, settings, field):
    response = post(clients, "analyst", "/api/v1/estimate", json={"rows": ROWS_3, **settings})
    assert response.status_code == 422, response.text
    assert response.json()["message"].startswith(field) or f"{field}:" in response.json()["message"]


@pytest.mark.parametrize(("form", "field"), [
    ({"classes": "99"}, "classes"),
    ({"thinning": "1.5"}, "thinning"),
    ({"samples": "5000", "thinning": "20"}, "burnin, samples, thinning"),
    ({"burnin": "-1"}, "burnin"),
    ({"prior_variance": "nan", "method": "bayes-threshold"}, "prior_variance"),
    ({"ratio_threshold": "inf", "method": "bayes-threshold"}, "ratio_threshold"),
    ({"classes": "9" * 30}, "classes"),
])
def test_page_bad_bayesian_settings_are_named(clients, form, field):
    client, token = clients["analyst"]
    response = client.post("/estimate", data={"csrf_token": token, "source": "file", "method": "lcmcr", **form},
                           files={"file": ("lists.csv", CSV, "text/csv")})
    assert response.status_code == 422, response.text
    assert f"{field}:" in response.text


def test_page_ignores_bayesian_settings_for_log_linear_methods(clients):
    client, token = clients["analyst"]
    shown = client.post("/estimate", data={"csrf_token": token, "source": "file", "method": "main", "classes": "99"},
                       files={"file": ("lists.csv", CSV, "text/csv")})
    assert shown.status_code == 200 and 'id="posterior"' not in shown.text


@pytest.mark.browser
def test_browser_draws_the_trace_chart(page, sqlite_world):  # noqa: F811
    sign_in(page, sqlite_world, "analyst_a")
    page.goto("/estimate")
    assert page.evaluate(UNLABELLED) == 0
    page.set_input_files("#file", {"name": "lists.csv", "mimeType": "text/csv", "buffer": CSV})
    page.select_option("#method", "lcmcr")
    for name, value in FAST_LCMCR.items():
        page.fill(f"#{name}", str(value))
    page.fill("#seed", "4")
    with page.expect_navigation():
        page.click("#run")
    assert "credible" in page.inner_text("#result")
    page.wait_for_selector("#chart-trace .main-svg", timeout=20_000)  # plotly drew it from the page's JSON
    # plotly.js injects its stylesheet, which style-src 'self' refuses (as on the analysis pages); no script is
    assert not [e for e in page.csp_errors if "script-src" in e]
