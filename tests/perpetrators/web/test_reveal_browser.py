"""The perpetrator reveal in a real browser: hidden on the page, swapped in by htmx for one perpetrator after a
reason is chosen, under the Content Security Policy."""

from __future__ import annotations

from tests.web.conftest import CANARY, World
from tests.web.test_browser import sign_in

from .test_reveal import _with_perpetrator


def test_reveal_one_perpetrator_with_a_reason(page, sqlite_world: World):
    case_id, pid = _with_perpetrator(sqlite_world)
    sign_in(page, sqlite_world, "worker_a")
    page.goto(f"/casework/cases/{case_id}/perpetrators")
    assert CANARY not in page.content()
    form = page.locator(f"#personal-{pid} form")
    form.locator("select[name=reason]").select_option("legal")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"#personal-{pid} dd[data-field=last_name]")
    shown = page.inner_text(f"#personal-{pid}")
    assert f"{CANARY}plast" in shown and f"{CANARY}alias" in shown
    assert page.url.endswith(f"/casework/cases/{case_id}/perpetrators")  # swapped in place: nothing in the URL
    assert page.csp_errors == []
