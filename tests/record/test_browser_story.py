"""The casework story in headless Chromium against the app served on loopback (the web engineer's server and
browser fixtures): a screener opens a case; a supervisor records reasonable grounds and assigns a case worker,
who records consent and refers the person to a shelter in another organisation; that organisation's worker
accepts, records the service and marks it done; consent for sharing is withdrawn and the next referral is
refused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from ctkit.store import tables as t
from tests.web.conftest import ORG_B, sqlite_world  # noqa: F401 - fixture
from tests.web.test_browser import browser, chromium_path_module, server, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def _as(browser, server, world, name: str):  # noqa: F811 - the fixture object, passed in
    context = browser.new_context(base_url=server)
    page = context.new_page()
    sign_in(page, world, name)
    return context, page


def test_casework_story_in_the_browser(browser, server, sqlite_world):  # noqa: F811
    with sqlite_world.store.engine.begin() as conn:  # Org B runs a shelter (the directory the form searches)
        conn.execute(update(t.organisations).where(t.organisations.c.id == ORG_B)
                     .values(services=["shelter"], capacity=10, languages=["ru"]))
    ctx, page = _as(browser, server, sqlite_world, "screener_a")
    page.goto("/casework")
    page.fill("#age_years", "19")
    page.check("input[name=refer]")
    with page.expect_navigation():
        page.click("#open-case-button")
    case_id = re.search(r"/casework/cases/([0-9a-f-]{36})$", page.url).group(1)
    assert "possible" in page.inner_text("#identification").lower()
    ctx.close()

    ctx, page = _as(browser, server, sqlite_world, "supervisor_a")
    page.goto(f"/casework/cases/{case_id}")
    with page.expect_navigation():
        page.click("#do-rg_positive")
    assert "Reasonable grounds (positive)" in page.inner_text("#identification")
    assert page.locator("#deadlines .deadline").count() == 1  # the reflection period
    page.select_option("#assignee", label="worker_a")
    with page.expect_navigation():
        page.click("#assign")
    ctx.close()

    ctx, page = _as(browser, server, sqlite_world, "worker_a")
    page.goto(f"/casework/cases/{case_id}")
    page.select_option("#purpose", "sharing")
    page.select_option("#consent-org", ORG_B)
    with page.expect_navigation():
        page.click("#record-consent")
    page.select_option("#ref-service", "shelter")
    page.select_option("#ref-org", ORG_B)
    page.check("input[name=shared_fields][value=first_name]")
    with page.expect_navigation():
        page.click("#send-referral")
    assert page.locator("#referrals .referral .status").inner_text() == "sent"
    worker = (ctx, page)

    ctx, page = _as(browser, server, sqlite_world, "worker_b")
    page.goto("/casework/referrals")
    with page.expect_navigation():
        page.locator("button.accept").first.click()
    with page.expect_navigation():
        page.locator("a.open").first.click()
    assert "first_name" in page.inner_text("#shared") or "Имя" in page.inner_text("#shared")
    page.select_option("#outcome", "completed")
    with page.expect_navigation():
        page.click("#record-service")
    with page.expect_navigation():
        page.click("#mark-done")
    ctx.close()

    ctx, page = worker
    page.goto(f"/casework/cases/{case_id}")
    assert page.locator("#referrals .referral .status").inner_text() == "done"
    with page.expect_navigation():
        page.locator("#consents button.withdraw").click()
    page.select_option("#ref-service", "shelter")
    page.select_option("#ref-org", ORG_B)
    with page.expect_navigation() as nav:
        page.click("#send-referral")
    assert nav.value.status == 409
    assert "consent" in page.inner_text("main")
    ctx.close()
