"""The screening flow in a real browser: start, answer the adaptive questions (htmx re-orders them), see the
result with its explanation and disclaimer, save it as a new anonymous case."""

from __future__ import annotations

import pytest

from tests.web.test_browser import browser, chromium_path_module, page, server, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def test_screening_flow(page, sqlite_world):  # noqa: F811
    sign_in(page, sqlite_world, "screener_a")
    page.goto("/screening")
    page.fill("#age", "30")
    page.select_option("#exploitation", "labour")
    page.select_option("#person_lang", "ru")
    with page.expect_navigation():
        page.click("#begin")
    first = page.locator("#screening fieldset").first
    key = first.get_attribute("id")
    assert first.locator("[lang=ru]").count() == 1  # the person's language next to the screener's
    with page.expect_response(lambda r: r.url.endswith("/screening") and r.request.method == "POST"):
        first.locator("input[value=yes]").check()
    page.wait_for_function(f"document.querySelector('#screening fieldset').id !== '{key}'")
    assert page.locator(f"#{key} input[value=yes]").is_checked()  # kept, now among the answered
    with page.expect_navigation():
        page.click("#show-result")
    assert "not a legal finding" in page.inner_text("#disclaimer")
    assert page.locator("#draft-warning").count() == 1
    assert page.locator("#explanation li").count() >= 2
    with page.expect_navigation():
        page.click("#save-result")
    assert "/cases/" in page.url
    assert page.csp_errors == []
