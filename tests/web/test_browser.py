"""Browser tests: headless Debian Chromium driven by Playwright against the app served by uvicorn on loopback."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from tests.web.conftest import CANARY, PASSWORD, World

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sqlite_world: World) -> Iterator[str]:
    """The fixture world's app on a free loopback port, in a thread (one server for the module)."""
    port = free_port()
    config = uvicorn.Config(sqlite_world.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(chromium_path_module: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path_module, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def chromium_path_module() -> str:
    from pathlib import Path

    from tests.conftest import CHROMIUM, require_service

    require_service(Path(CHROMIUM).exists(), f"headless Chromium ({CHROMIUM})")
    return CHROMIUM


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server)
    page = context.new_page()
    page.csp_errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
    yield page
    context.close()


def sign_in(page, world: World, name: str) -> None:
    page.goto("/login")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if page.url.endswith("/login/totp"):  # roles that can see personal data
        page.fill("#code", world.totp(name))
        with page.expect_navigation():
            page.click("button[type=submit]")
    assert page.url.endswith("/"), page.url


def test_sign_in_with_totp(page, sqlite_world):
    sign_in(page, sqlite_world, "worker_a")
    assert "worker_a" in page.inner_text("main")
    assert page.csp_errors == []


def test_wrong_code_keeps_you_out(page, sqlite_world):
    page.goto("/login")
    page.fill("#username", "supervisor_a")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.fill("#code", "000000")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").count() == 1
    page.goto("/cases")
    assert "/login" in page.url


def test_another_organisations_case_cannot_be_reached_by_url(page, sqlite_world):
    sign_in(page, sqlite_world, "worker_a")
    response = page.goto(f"/cases/{sqlite_world.cases['other_org']}")
    assert response.status == 404
    assert CANARY not in page.content()


def test_personal_data_only_after_reveal_with_reason(page, sqlite_world):
    sign_in(page, sqlite_world, "worker_a")
    page.goto(f"/cases/{sqlite_world.cases['assigned']}")
    assert CANARY not in page.content()
    page.select_option("#reason", "assistance")
    page.click("#reveal")
    page.wait_for_selector("dd[data-field=first_name]")
    assert f"{CANARY}first" in page.inner_text("#personal")
    assert page.csp_errors == []


def test_back_button_after_logout_shows_nothing(page, sqlite_world):
    sign_in(page, sqlite_world, "worker_a")
    page.goto(f"/cases/{sqlite_world.cases['own']}")
    page.select_option("#reason", "assistance")
    page.click("#reveal")
    page.wait_for_selector("dd[data-field=first_name]")
    page.click("#logout")
    page.wait_for_url(re.compile(r".*/login$"))
    page.go_back()
    page.wait_for_load_state()
    assert CANARY not in page.content()
    assert "/login" in page.url or page.locator("#username").count() == 1


def test_language_switch_is_stored_per_user(page, sqlite_world):
    sign_in(page, sqlite_world, "trainer_a")
    for lang, sign_out in (("ru", "Выйти"), ("en", "Sign out")):
        page.select_option("#lang", lang)
        with page.expect_navigation():
            page.click("form[action='/language'] button")
        assert sign_out in page.inner_text("header")
        page.goto("/")
        assert sign_out in page.inner_text("header")  # stored for the user, not a one-page choice


UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter(e => !(e.id && document.querySelector(`label[for="${e.id}"]`)) && !e.closest('label')
                 && !e.getAttribute('aria-label')).length"""


def test_forms_are_labelled_and_fit_a_phone(browser, server, sqlite_world):
    context = browser.new_context(base_url=server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto("/login")
    assert page.evaluate(UNLABELLED) == 0
    sign_in(page, sqlite_world, "supervisor_a")
    for url in ("/", "/cases", f"/cases/{sqlite_world.cases['org']}", "/audit/volume"):
        page.goto(url)
        assert page.evaluate(UNLABELLED) == 0, url
        assert page.evaluate("document.documentElement.scrollWidth") <= 362, url  # no sideways scrolling
    context.close()

