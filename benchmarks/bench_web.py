"""Load test of the web app: 50 concurrent signed-in sessions browsing and saving, on SQLite and PostgreSQL.

The app runs in its own uvicorn process on a loopback port (one worker, as ``ctkit serve`` starts it); the client
is asyncio + httpx in this process. Each session is a case worker with its own cases: it lists cases, opens one,
and every fifth step saves a status change (it reads the case's version, then PATCHes it; optimistic locking).
Bounded in requests and in time. Every HTTP request is timed on its own, end to end as the client sees it.
Reports requests/s, p50/p95/p99 latency, p95 per kind of request, the server's own p50/p95 (a ``Server-Timing``
header that only this benchmark's app adds), SQL statements per request by kind (counted in the server, another
header of this benchmark's app only), the server processes' CPU time per request (sign-ins included; other load on
the machine moves it far less than latency) and errors, per backend (target: p95 under 100 ms, no errors).

uvicorn picks httptools and uvloop when they are installed; ``CTKIT_BENCH_UVICORN="--http h11 --loop asyncio"``
passes other options to it (to measure the difference).

PostgreSQL comes from CTKIT_TEST_POSTGRES_URL (a throwaway schema); that part is skipped with a message if unset.
Logins use cheap argon2 parameters: sign-in cost is a deliberate setting, not what this measures.
"""

from __future__ import annotations

import asyncio
import base64
import contextvars
import importlib.util
import os
import random
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SESSIONS = 50
WORKERS = 2  # uvicorn worker processes, as `ctkit serve --workers 2` on a two-core machine
PASSWORD = "benchmark password 1"
# Direct steps of the case state machine (closing needs the casework workflow and a supervisor).
NEXT_STATUS = {"open": "active", "active": "follow_up", "follow_up": "active"}
KINDS = ("list", "view", "save")
# The statements of the request being served: a list that the ASGI wrapper sets and the engine listener appends to
# (the app's threads run in a copy of the request's context, so they see the same list).
_STATEMENTS: contextvars.ContextVar[list | None] = contextvars.ContextVar("bench_statements", default=None)


def app_factory():
    """Build the app from CTKIT_* variables (uvicorn ``--factory`` entry point of the server process)."""
    from argon2 import PasswordHasher
    from sqlalchemy import event

    from ctkit.settings import load_settings
    from ctkit.store import accounts as acc
    from ctkit.store.datastore import open_store
    from ctkit.web import create_app

    acc.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    settings = load_settings()
    store = open_store(settings)

    def count(*_args) -> None:
        seen = _STATEMENTS.get()
        if seen is not None:
            seen.append(1)

    event.listen(store.engine, "before_cursor_execute", count)
    return _ServerTiming(create_app(settings, store))


class _ServerTiming:
    """ASGI wrapper that reports the app's own time per request (``Server-Timing: app;dur=<ms>``): the client's
    figure minus this one is queueing in the client, the network and uvicorn; and the SQL statements it ran
    (``x-bench-statements``). Only the benchmark's app has it."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        statements: list = []
        _STATEMENTS.set(statements)

        async def timed_send(message) -> None:
            if message["type"] == "http.response.start":
                duration = f"app;dur={(time.perf_counter() - started) * 1000:.2f}".encode()
                message = {**message, "headers": [*message.get("headers", []), (b"server-timing", duration),
                                                  (b"x-bench-statements", str(len(statements)).encode())]}
            await send(message)

        await self.app(scope, receive, timed_send)


def _prepare(env: dict[str, str], cases: int) -> list[tuple[str, str, list[str]]]:
    """Store with demo cases and SESSIONS case workers, each owning cases no other session owns.

    Returns (username, TOTP secret, the owned case ids it saves) per session.
    """
    from argon2 import PasswordHasher
    from sqlalchemy import func, select

    from ctkit.demo.loader import load_demo
    from ctkit.settings import load_settings
    from ctkit.store import accounts as acc
    from ctkit.store import tables as t
    from ctkit.store.datastore import init_store, open_store
    from ctkit.store.db import transaction

    acc.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    settings = load_settings(environ=env)
    init_store(settings)
    users = []
    with open_store(settings) as store:
        acc.ensure_tables(store.engine)
        load_demo(store, cases)
        with transaction(store.engine) as session:
            count = func.count()
            org = session.execute(select(t.cases.c.organisation_id, count).group_by(t.cases.c.organisation_id)
                                  .order_by(count.desc())).first()[0]
            rows = session.execute(select(t.cases.c.id, t.cases.c.case_status)
                                   .where(t.cases.c.organisation_id == org).order_by(t.cases.c.id)).all()
            ids = [r.id for r in rows]
            # Only cases with a direct next step are saved (closing needs the casework workflow).
            editable = {r.id for r in rows if r.case_status in NEXT_STATUS}
            team = acc.create_team(session, org, "bench")
            per_user = max(1, len(ids) // SESSIONS)
            for i in range(SESSIONS):
                user, secret = acc.create_user(session, organisation_id=org, username=f"bench_{i}",
                                               role="case_worker", password=PASSWORD, cipher=store.cipher,
                                               team_id=team)
                owned = ids[i * per_user:(i + 1) * per_user]
                for case_id in owned:
                    acc.grant_case(session, case_id, user.id, "owner")
                users.append((user.username, secret, [c for c in owned if c in editable]))
    return users


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _uvicorn_options() -> list[str]:
    return shlex.split(os.environ.get("CTKIT_BENCH_UVICORN", ""))


def _server_kind() -> str:
    """What uvicorn runs on: its 'auto' choice (httptools, uvloop when installed) unless options say otherwise."""
    options = _uvicorn_options()

    def chosen(flag: str, fast: str, fallback: str) -> str:
        if flag in options:
            return options[options.index(flag) + 1]
        return fast if importlib.util.find_spec(fast) else fallback

    return f"uvicorn {WORKERS} workers, http {chosen('--http', 'httptools', 'h11')}, " \
           f"loop {chosen('--loop', 'uvloop', 'asyncio')}"


def _start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "benchmarks.bench_web:app_factory", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--no-access-log", "--workers", str(WORKERS),
         *_uvicorn_options()],
        # The caller's PYTHONPATH is kept, so the server imports the same ctkit as this process.
        cwd=root, env={**os.environ, **env,
                       "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the web server did not start")


class _Timings:
    """Latencies (s) of every request, by kind, as the client saw them and as the server reported them."""

    def __init__(self) -> None:
        self.client: dict[str, list[float]] = {kind: [] for kind in KINDS}
        self.statements: dict[str, list[int]] = {kind: [] for kind in KINDS}
        self.server: list[float] = []
        self.errors: list[str] = []

    async def timed(self, kind: str, call):
        started = time.perf_counter()
        response = await call
        self.client[kind].append(time.perf_counter() - started)
        timing = response.headers.get("server-timing", "")
        if timing.startswith("app;dur="):
            self.server.append(float(timing[len("app;dur="):]) / 1000)
        if "x-bench-statements" in response.headers:
            self.statements[kind].append(int(response.headers["x-bench-statements"]))
        if response.status_code >= 400:
            self.errors.append(f"{response.request.method} {kind} {response.status_code}")
        return response


async def _session(base: str, user: tuple[str, str, list[str]], steps: int, think_s: float, deadline: float,
                   timings: _Timings) -> None:
    import httpx
    import pyotp

    async with httpx.AsyncClient(base_url=base, timeout=30) as client:  # one keep-alive connection per person
        r = await client.post("/api/v1/session", json={"username": user[0], "password": PASSWORD,
                                                       "totp": pyotp.TOTP(user[1]).now()})
        if r.status_code != 201:
            timings.errors.append(f"login {r.status_code}")
            return
        headers = {"X-CSRF-Token": r.json()["csrf_token"]}
        case_ids: list[str] = []
        owned = user[2]
        for step in range(steps):
            if time.monotonic() > deadline:
                return
            await asyncio.sleep(think_s * (0.5 + random.random()))  # a person reads before the next click
            if step % 5 == 4 and owned:
                case_id = owned[step % len(owned)]
                view = await timings.timed("view", client.get(f"/api/v1/cases/{case_id}"))
                summary = view.json()["summary"]
                status = NEXT_STATUS.get(summary["case_status"], "active")
                await timings.timed("save", client.patch(f"/api/v1/cases/{case_id}", headers=headers, json={
                    "case_status": status, "version": summary["version"]}))
            elif step % 2 == 0 or not case_ids:
                r = await timings.timed("list", client.get("/api/v1/cases", params={"limit": 20}))
                case_ids = [c["id"] for c in r.json()] if r.status_code == 200 else case_ids
            else:
                await timings.timed("view", client.get(f"/api/v1/cases/{case_ids[step % len(case_ids)]}"))


def _server_cpu_s(server: subprocess.Popen) -> float | None:
    """CPU seconds used so far by the server process and its workers (Linux ``/proc``; None elsewhere).

    Other programs on the machine move this far less than latency: the figure to compare across runs.
    """
    def children(pid: int) -> list[int]:
        path = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(c) for c in path.read_text().split()] if path.exists() else []

    try:
        pids = [server.pid, *children(server.pid)]
        fields = [Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split() for pid in pids]
    except (OSError, ValueError):
        return None
    # utime and stime are fields 14 and 15 of stat; after the ")" that ends the command name they are 12 and 13.
    return sum(int(f[11]) + int(f[12]) for f in fields) / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def _load(port: int, users, steps: int, think_s: float, limit_s: float) -> dict[str, float]:
    timings = _Timings()
    started = time.perf_counter()
    deadline = time.monotonic() + limit_s

    async def all_sessions() -> None:
        await asyncio.gather(*(_session(f"http://127.0.0.1:{port}", u, steps, think_s, deadline, timings)
                               for u in users))

    asyncio.run(all_sessions())
    elapsed = time.perf_counter() - started
    ms = [x * 1000 for kind in timings.client.values() for x in kind] or [0.0]
    server = [x * 1000 for x in timings.server] or [0.0]
    return {"requests": len(ms), "rps": len(ms) / elapsed, "p50": _percentile(ms, 50),
            "p95": _percentile(ms, 95), "p99": _percentile(ms, 99),
            **{f"p95_{kind}": _percentile([x * 1000 for x in values] or [0.0], 95)
               for kind, values in timings.client.items()},
            "server_p50": _percentile(server, 50), "server_p95": _percentile(server, 95),
            **{f"statements_{kind}": statistics.fmean(values) if values else 0.0
               for kind, values in timings.statements.items()},
            "errors": len(timings.errors), "error_kinds": sorted(set(timings.errors))[:5]}


def _measure(label: str, env: dict[str, str], quick: bool) -> dict[str, dict[str, float]]:
    """Runs on one server: people browsing (think time ~1 s between clicks), then (full mode) flat out."""
    users = _prepare(env, 300 if quick else 3000)
    port = _free_port()
    server = _start_server(env, port)
    print(f"{label:<20} {_server_kind()}; load average {os.getloadavg()[0]:.1f} before", flush=True)
    runs = {}
    modes = (("browsing", 1.0),) if quick else (("browsing", 1.0), ("flat-out", 0.0))
    try:
        for mode, think_s in modes:
            steps = 3 if quick else 30
            cpu_before = _server_cpu_s(server)
            runs[mode] = result = _load(port, users, steps, think_s, 60 if quick else 120)
            cpu_after = _server_cpu_s(server)
            if cpu_before is not None and cpu_after is not None and result["requests"]:
                result["server_cpu_ms"] = (cpu_after - cpu_before) * 1000 / result["requests"]
            _print(f"{label} {mode}", result)
    finally:
        server.terminate()
        server.wait(timeout=30)
    _verify_audit_chain(label, env)
    return runs


def _verify_audit_chain(label: str, env: dict[str, str]) -> None:
    """The audit trail written by the two workers' concurrent requests must still be one verifiable chain."""
    from ctkit.settings import load_settings
    from ctkit.store.audit import verify_chain
    from ctkit.store.datastore import open_store

    with open_store(load_settings(environ=env)) as store:
        report = verify_chain(store.engine)
    if not report.ok:
        raise RuntimeError(f"{label}: audit chain broken at seq {report.first_bad_seq}: {report.problem}")
    print(f"{label:<20} audit chain verified: {report.checked} rows", flush=True)


def _print(label: str, result: dict) -> None:
    errors = result["error_kinds"]
    print(f"{label:<20} {SESSIONS} sessions  {result['requests']:>5} requests  {result['rps']:7.1f} req/s  "
          f"p50 {result['p50']:6.1f} ms  p95 {result['p95']:6.1f} ms  p99 {result['p99']:6.1f} ms  "
          f"errors {result['errors']}" + (f" ({errors})" if errors else ""), flush=True)
    print(f"{'':<20} p95 by kind: list {result['p95_list']:.1f} ms, view {result['p95_view']:.1f} ms, "
          f"save {result['p95_save']:.1f} ms;  in the app (Server-Timing): p50 {result['server_p50']:.1f} ms, "
          f"p95 {result['server_p95']:.1f} ms" + (f"; server CPU {result['server_cpu_ms']:.1f} ms per request"
                                                    if "server_cpu_ms" in result else ""), flush=True)
    print(f"{'':<20} SQL statements per request: list {result['statements_list']:.1f}, view "
          f"{result['statements_view']:.1f}, save {result['statements_save']:.1f};  load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)


def _base_env(data_dir: Path) -> dict[str, str]:
    return {"CTKIT_DATA_DIR": str(data_dir), "CTKIT_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
            "CTKIT_SECURE_COOKIES": "false"}


def run(quick: bool = False) -> dict[str, dict[str, dict[str, float]]]:
    """Run the load test on SQLite, then PostgreSQL when CTKIT_TEST_POSTGRES_URL is set; print and return figures."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="ctkit-bench-web-") as tmp:
        results["sqlite"] = _measure("sqlite", _base_env(Path(tmp) / "sqlite"), quick)
        url = os.environ.get("CTKIT_TEST_POSTGRES_URL", "")
        if not url:
            print("postgresql  skipped: CTKIT_TEST_POSTGRES_URL is not set", flush=True)
            return results
        from sqlalchemy import text

        from ctkit.store.db import make_engine

        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            sep = "&" if "?" in url else "?"
            env = {**_base_env(Path(tmp) / "pg"),
                   "CTKIT_DATABASE_URL": f"{url}{sep}options=-csearch_path%3D{schema}"}
            results["postgresql"] = _measure("postgresql", env, quick)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return results


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
