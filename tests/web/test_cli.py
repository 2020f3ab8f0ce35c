"""``ctkit serve`` refusals and demo start (uvicorn stubbed), and ``ctkit audit verify``."""

from __future__ import annotations

import base64
import os
import re

import pytest
from sqlalchemy import select, update

from ctkit.cli import main, web_commands
from ctkit.settings import load_settings
from ctkit.store import accounts as acc
from ctkit.store import totp
from ctkit.store.audit import AuditEvent, append_now, audit_events
from ctkit.store.datastore import init_store, open_store
from ctkit.store.db import transaction


def run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture
def no_server(monkeypatch):
    calls = []
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    return calls


def test_serve_refuses_without_key_file(data_dir, no_server, capsys):
    assert run(["serve", "--data-dir", str(data_dir)]) == 3
    assert "key file" in capsys.readouterr().err and not no_server


def test_serve_refuses_a_store_with_demo_accounts(data_dir, no_server, monkeypatch):
    monkeypatch.delenv("CTKIT_MASTER_KEY", raising=False)
    settings = load_settings(data_dir, environ={})
    init_store(settings)
    with open_store(settings) as store:
        acc.ensure_tables(store.engine)
        with transaction(store.engine) as session:
            acc.create_user(session, organisation_id="o", username="demo_x", role="trainer",
                            password="x" * 12, cipher=store.cipher, is_demo=True)
    assert run(["serve", "--data-dir", str(data_dir)]) == 3 and not no_server


def test_serve_demo_prints_accounts_once_and_starts(data_dir, no_server, monkeypatch, capsys):
    monkeypatch.setattr(web_commands, "DEMO_CASES", 40)
    assert run(["serve", "--demo", "--data-dir", str(data_dir), "--port", "8123"]) == 0
    out = capsys.readouterr().out
    for role in ("screener", "case_worker", "supervisor", "analyst", "trainer", "administrator"):
        assert f"demo_{role}" in out
    assert no_server == [{"host": "127.0.0.1", "port": 8123, "log_level": "info", "server_header": False,
                          "http": "auto", "loop": "auto"}]  # httptools and uvloop when installed
    printed = re.search(r"demo_case_worker .* totp ([A-Z2-7]+)", out).group(1)
    with open_store(load_settings(data_dir)) as store, transaction(store.engine) as session:
        user = acc.find_user(session, "demo_case_worker")
        assert totp.read_secret(session, user.id, store.cipher) == printed  # sealed, and the printed one works
        assert session.execute(select(acc.users.c.id).where(acc.users.c.totp_secret.is_not(None))).first() is None


def test_audit_verify(data_dir, capsys, monkeypatch):
    key = base64.b64encode(os.urandom(32)).decode()
    settings = load_settings(data_dir, environ={}, master_key=key)
    init_store(settings)
    with open_store(settings) as store:
        acc.ensure_tables(store.engine)
        for i in range(3):
            append_now(store.engine, AuditEvent(action="case.view", outcome="allowed", reason="scope_own",
                                                details={"n": i}))
    monkeypatch.setenv("CTKIT_MASTER_KEY", key)
    assert run(["audit", "verify", "--data-dir", str(data_dir)]) == 0
    assert "3 events" in capsys.readouterr().out
    with open_store(settings) as store, store.engine.begin() as conn:
        conn.execute(update(audit_events).where(audit_events.c.seq == 2).values(action="case.edit"))
    assert run(["audit", "verify", "--data-dir", str(data_dir)]) == 6
    assert "event 2" in capsys.readouterr().err


def test_app_start_seals_legacy_totp_secrets(data_dir):
    import pyotp

    from ctkit.web import create_app

    settings = load_settings(data_dir, environ={}, master_key=base64.b64encode(os.urandom(32)).decode())
    init_store(settings)
    secret = pyotp.random_base32()
    with open_store(settings) as store:
        with transaction(store.engine) as session:
            user, _ = acc.create_user(session, organisation_id="o", username="old_worker", role="case_worker",
                                      password="x" * 12, cipher=store.cipher)
            session.execute(update(acc.users).where(acc.users.c.id == user.id)  # as before migration 0005
                            .values(totp_secret=secret, totp_ciphertext=None, totp_key_id=None))
        create_app(settings, store)
        with transaction(store.engine) as session:
            assert session.execute(select(acc.users.c.totp_secret)).scalar_one() is None
            assert totp.read_secret(session, user.id, store.cipher) == secret
