"""In-process API tests on SQLite and PostgreSQL: sessions, TOTP, CSRF, lockout, scopes, reveal, audit, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from ctkit.store import accounts as acc
from ctkit.store.audit import audit_events, verify_chain
from ctkit.web import auth
from ctkit.web.anonymous_audit import AnonymousDenialBudget
from ctkit.web.cases import REVEAL_REASONS
from ctkit.web.policy import allowed
from tests.web.conftest import CANARY, PASSWORD


def test_login_me_logout(world):
    client, csrf = world.login("worker_a")
    me = client.get("/api/v1/me").json()
    assert me["role"] == "case_worker" and me["user_id"] == world.users["worker_a"].id
    response = client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 204
    assert "cache" in response.headers["clear-site-data"]
    assert client.get("/api/v1/me").status_code == 401


def test_old_cookie_is_worthless_after_logout(world):
    client, csrf = world.login("worker_a")
    cookie = client.cookies.get("ctkit_session")
    client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf})
    replay = world.client()
    replay.cookies.set("ctkit_session", cookie)
    assert replay.get("/api/v1/me").status_code == 401
    assert replay.patch(f"/api/v1/cases/{world.cases['own']}", json={"case_status": "active", "version": 1},
                        headers={"X-CSRF-Token": csrf}).status_code == 401


def test_a_dead_session_cookie_is_audited(world):
    client = world.client()
    client.cookies.set("ctkit_session", "not-a-live-session")
    assert client.get("/api/v1/cases").status_code == 401
    with world.store.engine.connect() as conn:
        row = conn.execute(select(audit_events).order_by(audit_events.c.seq.desc())).first()
    assert (row.action, row.outcome, row.reason, row.actor_id) == ("case.list", "denied", "session_invalid", None)


def test_anonymous_probes_are_audited_within_a_budget(world, monkeypatch):
    clock = [0.0]
    budget = AnonymousDenialBudget(limit=3, window_s=60, clock=lambda: clock[0])
    monkeypatch.setattr(world.app.state.web, "anonymous_denials", budget)
    with world.store.engine.connect() as conn:
        start = conn.execute(select(func.max(audit_events.c.seq))).scalar_one()

    def new_rows():
        with world.store.engine.connect() as conn:
            return conn.execute(select(audit_events.c.action, audit_events.c.reason, audit_events.c.actor_id,
                                       audit_events.c.details).where(audit_events.c.seq > start)
                                .order_by(audit_events.c.seq)).all()

    client = world.client()
    assert client.get("/").status_code == 303  # opening the app signed out: the way to sign in, not a probe
    assert new_rows() == []
    assert all(client.get("/api/v1/cases").status_code == 401 for _ in range(5))
    rows = new_rows()
    assert [(r.action, r.reason, r.actor_id) for r in rows] == [("case.list", "no_session", None)] * 3 + [
        ("session.anonymous", "anonymous_flood", None)]
    clock[0] = 61.0  # the next window: the left-out count is written first
    assert client.get(f"/api/v1/cases/{world.cases['own']}").status_code == 401
    assert [(r.reason, r.details) for r in new_rows()[4:]] == [("anonymous_suppressed", {"suppressed": 2}),
                                                               ("no_session", {})]
    assert verify_chain(world.store.engine).ok


def test_totp_is_required_for_roles_that_see_personal_data(world):
    client = world.client()
    response = client.post("/api/v1/session", json={"username": "worker_a", "password": PASSWORD})
    assert response.status_code == 401 and "totp" in response.json()["message"]
    wrong = client.post("/api/v1/session", json={"username": "worker_a", "password": PASSWORD, "totp": "000000"})
    assert wrong.status_code == 401
    analyst = client.post("/api/v1/session", json={"username": "analyst_a", "password": PASSWORD})
    assert analyst.status_code == 201


def test_a_totp_code_cannot_be_replayed(world):
    body = {"username": "worker2_a", "password": PASSWORD, "totp": world.totp("worker2_a")}
    first = world.client().post("/api/v1/session", json=body)
    again = world.client().post("/api/v1/session", json=body)
    wrong = world.client().post("/api/v1/session", json={**body, "totp": "000000"})
    assert first.status_code == 201 and again.status_code == wrong.status_code == 401
    assert again.json()["message"] == wrong.json()["message"]  # a replay is not told apart from a wrong code
    with world.store.engine.connect() as conn:
        reasons = conn.execute(select(audit_events.c.reason).where(
            audit_events.c.actor_id == world.users["worker2_a"].id, audit_events.c.action == "session.login")
            .order_by(audit_events.c.seq.desc()).limit(3)).scalars().all()
    assert reasons[:2] == ["totp_wrong", "totp_replayed"]
    world.login("worker2_a")  # a fresh step signs in again (and clears the counted failures)


def test_wrong_password_and_unknown_user_look_the_same(world):
    client = world.client()
    a = client.post("/api/v1/session", json={"username": "analyst_a", "password": "wrong password!!"})
    b = client.post("/api/v1/session", json={"username": "nobody_here", "password": "wrong password!!"})
    assert a.status_code == b.status_code == 401
    assert a.json()["message"] == b.json()["message"]


def test_lockout_and_admin_unlock(world):
    client = world.client("192.0.2.10")
    for _ in range(auth.LOCK_AFTER_FAILURES):
        client.post("/api/v1/session", json={"username": "locked_a", "password": "not the password"})
    locked = client.post("/api/v1/session", json={"username": "locked_a", "password": PASSWORD,
                                                  "totp": world.totp("locked_a")})
    assert locked.status_code == 403 and "locked" in locked.json()["message"]
    admin, csrf = world.login("admin_a")
    user_id = world.users["locked_a"].id
    assert admin.post(f"/api/v1/users/{user_id}/unlock").status_code == 403  # no CSRF token
    unlocked = admin.post(f"/api/v1/users/{user_id}/unlock", headers={"X-CSRF-Token": csrf})
    assert unlocked.status_code == 200 and unlocked.json()["locked"] is False
    world.login("locked_a")


def test_admin_password_reset_ends_sessions(world):
    user_client, _ = world.login("reset_a")
    admin, csrf = world.login("admin_a")
    new = "a brand new passphrase"
    response = admin.post(f"/api/v1/users/{world.users['reset_a'].id}/password", json={"password": new},
                          headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200
    assert user_client.get("/api/v1/me").status_code == 401
    ok = world.client().post("/api/v1/session", json={"username": "reset_a", "password": new})
    assert ok.status_code == 201
    with acc_session(world) as session:
        acc.set_password(session, world.users["reset_a"].id, PASSWORD)


def test_admin_cannot_touch_users_of_another_organisation(world):
    admin, csrf = world.login("admin_a")
    other = world.users["worker_b"].id
    assert admin.post(f"/api/v1/users/{other}/unlock", headers={"X-CSRF-Token": csrf}).status_code == 404


def test_address_throttling(world):
    address = f"198.51.100.{7 if world.backend == 'sqlite' else 8}"
    for _ in range(auth.ADDRESS_MAX_FAILURES):
        with pytest.raises(auth.AuthenticationError):
            auth.login(world.store, "nobody", "x" * 12, address)
    with pytest.raises(auth.TooManyAttempts):
        auth.login(world.store, "analyst_a", PASSWORD, address)


def test_idle_timeout(world):
    client, _ = world.login("analyst_a")
    token_hash = acc.sha256_hex(client.cookies.get("ctkit_session"))
    with acc_session(world) as session:
        session.execute(update(acc.web_sessions).where(acc.web_sessions.c.token_hash == token_hash)
                        .values(last_seen_at=datetime.now(UTC) - timedelta(hours=5)))
    assert client.get("/api/v1/me").status_code == 401


def test_csrf_forged_and_missing(world):
    client, csrf = world.login("worker_a")
    case = world.cases["own"]
    body = {"case_status": "active", "version": 1}
    assert client.patch(f"/api/v1/cases/{case}", json=body).status_code == 403
    assert client.patch(f"/api/v1/cases/{case}", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    other, other_csrf = world.login("worker_a")
    assert client.patch(f"/api/v1/cases/{case}", json=body,
                        headers={"X-CSRF-Token": other_csrf}).status_code == 403  # another session's token


VISIBLE = {
    "worker_a": {"own", "assigned", "team", "referred", "screened"},  # screener_a is in worker_a's team
    "worker2_a": {"own", "assigned", "team", "referred", "screened"},
    "lone_worker_a": {"referred"},
    "supervisor_a": {"own", "assigned", "team", "org", "referred", "screened"},
    "worker_b": {"other_org", "referred", "pending"},
    "screener_a": {"screened"},
}


@pytest.mark.parametrize("name", sorted(VISIBLE))
def test_list_shows_exactly_the_cases_in_scope(world, name):
    client, _ = world.login(name)
    listed = {c["id"] for c in client.get("/api/v1/cases?limit=200").json()}
    expected = {world.cases[k] for k in VISIBLE[name]}
    assert listed == expected
    for key, case_id in world.cases.items():
        status = client.get(f"/api/v1/cases/{case_id}").status_code
        assert status == (200 if key in VISIBLE[name] else 404), key


def test_list_filter_agrees_with_allowed(world):
    from ctkit.web.case_scope import case_facts

    for name in VISIBLE:
        u = world.users[name]
        actor = auth.Actor(u.id, u.organisation_id, u.team_id, u.role, True)
        with world.store.engine.connect() as conn:
            by_policy = {k for k, cid in world.cases.items()
                         if allowed(actor, "case.view", case_facts(conn, cid)).allowed}
        assert by_policy == VISIBLE[name], name


@pytest.mark.parametrize("name", ["analyst_a", "trainer_a", "admin_a"])
def test_roles_without_case_access_get_403(world, name):
    client, _ = world.login(name)
    assert client.get("/api/v1/cases").status_code == 403
    assert client.get(f"/api/v1/cases/{world.cases['org']}").status_code == 403


def test_view_hides_personal_fields_and_reveal_is_audited(world):
    client, csrf = world.login("worker_a")
    case = world.cases["assigned"]
    view = client.get(f"/api/v1/cases/{case}")
    assert view.status_code == 200 and CANARY not in view.text
    assert view.json()["has_personal_data"] is True
    assert client.post(f"/api/v1/cases/{case}/reveal", json={"reason": "because"},
                       headers={"X-CSRF-Token": csrf}).status_code == 422
    revealed = client.post(f"/api/v1/cases/{case}/reveal", json={"reason": "assistance"},
                           headers={"X-CSRF-Token": csrf})
    assert revealed.status_code == 200 and revealed.json()["first_name"] == f"{CANARY}first"
    with world.store.engine.connect() as conn:
        row = conn.execute(select(audit_events).where(audit_events.c.action == "person.reveal",
                                                      audit_events.c.resource_id == case)
                           .order_by(audit_events.c.seq.desc())).first()
    assert row.reason == "assistance" and row.actor_id == world.users["worker_a"].id


def test_team_member_may_view_but_not_reveal(world):
    client, csrf = world.login("worker2_a")
    case = world.cases["team"]
    assert client.get(f"/api/v1/cases/{case}").status_code == 200
    # worker2 owns the team case, so use worker_a on worker2's case: team scope only
    client, csrf = world.login("worker_a")
    assert client.post(f"/api/v1/cases/{case}/reveal", json={"reason": "assistance"},
                       headers={"X-CSRF-Token": csrf}).status_code == 404


def test_save_with_optimistic_locking(world):
    client, csrf = world.login("worker_a")
    case = world.cases["own"]
    version = client.get(f"/api/v1/cases/{case}").json()["summary"]["version"]
    saved = client.patch(f"/api/v1/cases/{case}", json={"case_status": "active", "version": version},
                         headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 200 and saved.json()["version"] == version + 1
    stale = client.patch(f"/api/v1/cases/{case}", json={"case_status": "closed", "version": version},
                         headers={"X-CSRF-Token": csrf})
    assert stale.status_code == 409
    bad = client.patch(f"/api/v1/cases/{case}", json={"case_status": "nonsense", "version": version + 1},
                       headers={"X-CSRF-Token": csrf})
    assert bad.status_code == 422
    assert client.get(f"/api/v1/cases/{case}").json()["summary"]["case_status"] == "active"  # nothing half-written


@pytest.mark.parametrize(("body", "status"), [
    ('{"case_status": "active"', 422),  # malformed JSON
    ('{"case_status": 5, "version": "x"}', 422),  # wrong types
    ('{"case_status": "active", "version": 1, "extra": 1}', 422),  # unknown field
    ("[]", 422),
])
def test_bad_input_is_a_helpful_4xx(world, body, status):
    client, csrf = world.login("worker_a")
    response = client.patch(f"/api/v1/cases/{world.cases['own']}", content=body,
                            headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"})
    assert response.status_code == status
    assert response.json()["message"]


def test_oversized_body_is_refused(world):
    client, csrf = world.login("worker_a")
    response = client.post(f"/api/v1/cases/{world.cases['own']}/reveal", content=b"x" * 2_000_000,
                           headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"})
    assert response.status_code == 413


def test_bad_path_ids_and_unknown_pages(world):
    client, _ = world.login("worker_a")
    assert client.get("/api/v1/cases/not-a-uuid").status_code == 422
    assert client.get("/api/v1/nothing").status_code == 404


def test_security_headers(world):
    client, _ = world.login("worker_a")
    response = client.get(f"/api/v1/cases/{world.cases['own']}")
    h = response.headers
    csp = h["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert h["cache-control"] == "no-store" and h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer"
    static = client.get("/static/ctkit.css")
    assert static.status_code == 200 and static.headers["x-content-type-options"] == "nosniff"


def test_session_cookie_flags(world):
    response = world.client().post("/api/v1/session", json={"username": "analyst_a", "password": PASSWORD})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_export_is_csv_without_personal_data_and_audited(world):
    client, _ = world.login("worker_a")
    response = client.get(f"/cases/{world.cases['own']}/export.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert CANARY not in response.text and world.cases["own"] in response.text


def test_audit_chain_verifies_and_detects_tampering(world):
    world.login("worker_a")
    assert verify_chain(world.store.engine).ok
    with world.store.engine.begin() as conn:
        first = conn.execute(select(audit_events.c.seq, audit_events.c.reason).order_by(audit_events.c.seq)).first()
        conn.execute(update(audit_events).where(audit_events.c.seq == first.seq).values(reason="edited"))
    report = verify_chain(world.store.engine)
    assert not report.ok and report.first_bad_seq == first.seq
    with world.store.engine.begin() as conn:
        conn.execute(update(audit_events).where(audit_events.c.seq == first.seq).values(reason=first.reason))
    assert verify_chain(world.store.engine).ok


def test_supervisor_sees_case_access_and_volume(world):
    worker, _ = world.login("worker_a")
    worker.get(f"/api/v1/cases/{world.cases['own']}")
    sup, _ = world.login("supervisor_a")
    rows = sup.get(f"/api/v1/audit/cases/{world.cases['own']}").json()
    assert any(r["action"] == "case.view" and r["actor_id"] == world.users["worker_a"].id for r in rows)
    volume = sup.get("/api/v1/audit/volume").json()
    assert any(r["actor_id"] == world.users["worker_a"].id for r in volume)
    other, _ = world.login("supervisor_b")
    assert other.get(f"/api/v1/audit/cases/{world.cases['own']}").status_code == 404


def test_denials_are_audited(world):
    client, _ = world.login("worker_b")
    case = world.cases["own"]
    assert client.get(f"/api/v1/cases/{case}").status_code == 404
    with world.store.engine.connect() as conn:
        row = conn.execute(select(audit_events).where(audit_events.c.resource_id == case,
                                                      audit_events.c.outcome == "denied")
                           .order_by(audit_events.c.seq.desc())).first()
    assert row.reason == "out_of_scope" and row.actor_id == world.users["worker_b"].id


def test_reveal_reasons_are_codes():
    assert all(code.isidentifier() for code in REVEAL_REASONS)


def acc_session(world):
    from ctkit.store.db import transaction

    return transaction(world.store.engine)
