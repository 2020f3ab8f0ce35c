"""The audit trail's hash chain stays linear and verifiable under concurrent appends and rolled-back ones."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, func, select

from ctkit.store.audit import AuditEvent, append, append_now, audit_events, verify_chain

THREADS, PER_THREAD = 6, 15


class Rollback(Exception):
    pass


def test_concurrent_appends_keep_one_verifiable_chain(engine: Engine):
    barrier = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(PER_THREAD):
                event = AuditEvent(action="case.view", outcome="allowed", reason="scope_own", details={"i": i})
                if i % 5 == 4:  # an append whose transaction rolls back leaves no trace and no broken link
                    try:
                        with engine.begin() as conn:
                            append(conn, event)
                            raise Rollback
                    except Rollback:
                        pass
                else:
                    append_now(engine, event)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    expected = THREADS * (PER_THREAD - PER_THREAD // 5)
    report = verify_chain(engine)
    assert report.ok and report.checked == expected
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_events)).scalar_one() == expected
    seq = append_now(engine, AuditEvent(action="case.list", outcome="allowed", reason="scope_filter"))
    assert verify_chain(engine).checked == expected + 1 and seq > expected - 1
