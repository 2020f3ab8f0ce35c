"""Server-rendered pages without JavaScript: sign-in forms, CSRF on forms, reveal, status change, admin, errors."""

from __future__ import annotations

import re

import pytest

from ctkit.web.i18n import catalogue_ids, translator
from tests.web.conftest import CANARY, PASSWORD, World


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def page_login(world: World, name: str):
    client = world.client()
    form = client.get("/login")
    response = client.post("/login", data={"username": name, "password": PASSWORD,
                                           "csrf_token": form_token(form.text)})
    assert response.status_code == 303
    if response.headers["location"] == "/login/totp":
        response = client.post("/login/totp", data={"code": world.totp(name)})
        assert response.status_code == 303 and response.headers["location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    return client, form_token(home.text)


def test_login_form_needs_its_csrf_token(sqlite_world):
    client = sqlite_world.client()
    client.get("/login")
    response = client.post("/login", data={"username": "analyst_a", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403 and "ctkit_session" not in response.cookies


def test_half_signed_in_session_reaches_nothing(sqlite_world):
    client = sqlite_world.client()
    form = client.get("/login")
    client.post("/login", data={"username": "worker_a", "password": PASSWORD, "csrf_token": form_token(form.text)})
    assert client.get("/cases").headers["location"] == "/login/totp"
    assert client.get("/api/v1/cases").status_code == 401


def test_session_token_changes_when_the_second_factor_is_done(sqlite_world):
    client = sqlite_world.client()
    form = client.get("/login")
    client.post("/login", data={"username": "worker_a", "password": PASSWORD, "csrf_token": form_token(form.text)})
    before = client.cookies.get("ctkit_session")
    client.post("/login/totp", data={"code": sqlite_world.totp("worker_a")})
    assert client.cookies.get("ctkit_session") != before
    stale = sqlite_world.client()
    stale.cookies.set("ctkit_session", before)
    assert stale.get("/api/v1/me").status_code == 401


def test_case_pages_without_javascript(sqlite_world):
    client, csrf = page_login(sqlite_world, "worker_a")
    case = sqlite_world.cases["own"]
    listing = client.get("/cases")
    assert case[:8] in listing.text and CANARY not in listing.text
    assert listing.headers["cache-control"] == "no-store"
    view = client.get(f"/cases/{case}")
    assert view.status_code == 200 and CANARY not in view.text
    revealed = client.post(f"/cases/{case}/reveal", data={"reason": "safety", "csrf_token": csrf})
    assert revealed.status_code == 200 and f"{CANARY}last" in revealed.text
    assert client.post(f"/cases/{case}/reveal", data={"reason": "safety"}).status_code == 403
    version = int(re.search(r'name="version" value="(\d+)"', view.text).group(1))
    # The world is shared by the session: the API tests may already have moved this case from open to active.
    current = client.get(f"/api/v1/cases/{case}").json()["summary"]["case_status"]
    target = {"open": "active", "active": "follow_up", "follow_up": "active"}[current]
    saved = client.post(f"/cases/{case}/status", data={"status": target, "version": version,
                                                       "csrf_token": csrf})
    assert saved.status_code == 303
    assert client.get(f"/api/v1/cases/{case}").json()["summary"]["case_status"] == target


def test_htmx_partial_reveal(sqlite_world):
    client, csrf = page_login(sqlite_world, "worker_a")
    response = client.post(f"/cases/{sqlite_world.cases['assigned']}/reveal", data={"reason": "legal"},
                           headers={"HX-Request": "true", "X-CSRF-Token": csrf})
    assert response.status_code == 200 and response.text.lstrip().startswith("<section")


def test_errors_are_pages_without_traces(sqlite_world):
    client, _ = page_login(sqlite_world, "worker_a")
    response = client.get(f"/cases/{sqlite_world.cases['other_org']}")
    assert response.status_code == 404 and "<html" in response.text and "Traceback" not in response.text


def test_admin_pages(sqlite_world):
    client, csrf = page_login(sqlite_world, "admin_a")
    listing = client.get("/admin/users")
    assert "worker_a" in listing.text and "worker_b" not in listing.text
    weak = client.post("/admin/users", data={"username": "newbie", "role": "trainer", "password": "short",
                                             "csrf_token": csrf})
    assert weak.status_code == 422
    created = client.post("/admin/users", data={"username": "newbie_pg", "role": "trainer",
                                                "password": "a long enough password", "csrf_token": csrf})
    assert created.status_code == 200 and "TOTP" in created.text


def test_supervisor_audit_pages(sqlite_world):
    client, _ = page_login(sqlite_world, "supervisor_a")
    assert client.get(f"/audit/cases/{sqlite_world.cases['own']}").status_code == 200
    assert client.get("/audit/volume").status_code == 200


@pytest.mark.parametrize("lang", ["ru"])
def test_every_interface_string_is_translated(lang):
    from importlib import resources
    from pathlib import Path

    templates = Path(str(resources.files("ctkit.web").joinpath("templates")))
    used = set()
    for item in templates.rglob("*.html"):  # capabilities keep their templates in sub-folders
        used |= set(re.findall(r"""_\(["']([^"']+)["']\)""", item.read_text(encoding="utf-8")))
    from ctkit.store.accounts import ROLES
    from ctkit.web.cases import PERSONAL_FIELDS, REVEAL_REASONS

    used |= set(ROLES) | set(PERSONAL_FIELDS) | set(REVEAL_REASONS.values())
    missing = sorted(used - catalogue_ids(lang))
    catalogue = f"src/ctkit/web/locale/{lang}/LC_MESSAGES/messages.po"
    assert not missing, f"untranslated in {lang}: {missing}; add them to {catalogue}"
    assert translator(lang)("Cases") == "Дела"
