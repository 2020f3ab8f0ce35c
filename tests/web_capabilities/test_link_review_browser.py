"""Link review in a real browser: a case worker signs in with TOTP, opens the review page, rejects a pair with a
reason, and sees the decision in the pair's audit trail; a user of another organisation cannot open it by URL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ctkit.store.audit import audit_events
from tests.web.conftest import CANARY
from tests.web.test_browser import browser, chromium_path_module, page, server, sign_in  # noqa: F401
from tests.web_capabilities.test_link_review import load_pairs, status_of

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pairs(sqlite_world):
    return load_pairs(sqlite_world, "browser")


def test_case_worker_rejects_a_pair_with_a_reason(page, sqlite_world, pairs):  # noqa: F811
    sign_in(page, sqlite_world, "worker_a")  # a case worker: password, then the TOTP code
    page.click("nav >> text=Record links")
    assert page.url.endswith("/links")
    rows = page.locator("#pairs tbody tr")
    assert rows.count() == 3 and pairs["cross_org"][:10] not in page.inner_text("#pairs")
    with page.expect_navigation():
        page.click(f"a[href='/links/{pairs['mine']}']")
    assert page.locator("#evidence-chart rect").count() == 2
    assert CANARY not in page.content()
    page.check("#decision-reject")
    page.select_option("#reason", "different_person")
    with page.expect_navigation():
        page.click("#submit-decision")
    assert page.url.endswith(f"/links/{pairs['mine']}")
    assert "Different people" in page.inner_text("#summary")
    assert page.locator("#decide").count() == 0
    history = page.inner_text("#history")
    assert "link.reject" in history and "different_person" in history
    assert status_of(sqlite_world, pairs["mine"]) == "rejected"
    e = audit_events.c
    with sqlite_world.store.engine.connect() as conn:
        row = conn.execute(select(e.actor_id, e.reason).where(e.resource_id == pairs["mine"],
                                                              e.action == "link.reject")).one()
    assert tuple(row) == (sqlite_world.users["worker_a"].id, "different_person")
    assert page.csp_errors == []


def test_another_organisation_cannot_open_the_pair_by_url(page, sqlite_world, pairs):  # noqa: F811
    sign_in(page, sqlite_world, "worker_b")
    response = page.goto(f"/links/{pairs['referred']}")
    assert response.status == 404
    assert "no such link pair in your scope" in page.content()
    assert CANARY not in page.content() and sqlite_world.cases["own"] not in page.content()
