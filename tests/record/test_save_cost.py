"""What a save writes: a status change touches the case row, its new lifecycle stage, its timeline row and the
audit trail only (a bounded number of statements, no personal data read); a generic save rewrites only the child
tables that changed; two saves from the same version never both succeed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select

from ctkit.errors import ConflictError
from ctkit.record import consent, lifecycle
from ctkit.record.unit import bump, load_head, writing
from ctkit.store import accounts as acc
from ctkit.store import tables as t
from ctkit.store.audit import verify_chain
from ctkit.store.db import transaction
from tests.record.conftest import NGO, REGISTERED
from tests.store.conftest import full_case

ON = date(2025, 4, 1)
# head, policy facts, last step's date, case row, stage, timeline row, effect (reflection period), audit (2 + the
# PostgreSQL lock)
MAX_STATUS_CHANGE_STATEMENTS = 10


@contextmanager
def statements(engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _full_case(desk, **values) -> str:
    case = full_case(organisation_id=NGO, registered_on=REGISTERED, identification_status="possible_victim",
                     **values)
    desk.store.cases.add(case)
    with transaction(desk.store.engine) as session:
        acc.grant_case(session, case.id, desk.users["worker_a"].id, "owner")
    return case.id


def _children(desk, case_id: str) -> dict[str, list[tuple]]:
    with desk.store.engine.connect() as conn:
        return {table.name: conn.execute(select(table).where(table.c.case_id == case_id)
                                         .order_by(table.c.position)).all() for table in t.CASE_CHILD_TABLES}


def _touched(seen: list[str], verb: str) -> set[str]:
    """Tables named right after ``verb`` ("INSERT INTO", "UPDATE", "DELETE FROM") in the statements seen."""
    return {s[len(verb):].split()[0] for s in seen if s.startswith(verb)}


def test_status_change_writes_the_case_row_and_its_timeline_only(any_desk):
    desk = any_desk
    case_id = _full_case(desk)
    before = _children(desk, case_id)
    with statements(desk.store.engine) as seen:
        version = lifecycle.apply(desk.cw, desk.who("supervisor_a"), case_id, "identification", "rg_positive",
                                  {"on": ON, "reason": "credible_account"}, expected_version=1)
    assert version == 2
    assert len(seen) <= MAX_STATUS_CHANGE_STATEMENTS, seen
    assert not _touched(seen, "DELETE FROM")
    assert _touched(seen, "UPDATE") <= {"cases", "audit_events"}
    assert _touched(seen, "INSERT INTO") == {"case_lifecycle", "casework_transitions", "casework_deadlines",
                                             "audit_events"}
    assert not [s for s in seen if "persons" in s], "a status change must not read the person"
    # The audit chain's append lock is taken by the transaction's last statements, so it is held only for the
    # append and the commit.
    first_audit = next(i for i, s in enumerate(seen) if "audit_events" in s or "pg_advisory_xact_lock" in s)
    assert all("audit_events" in s or "pg_advisory_xact_lock" in s for s in seen[first_audit:]), seen
    assert seen[-1].startswith("INSERT INTO audit_events")
    after = _children(desk, case_id)
    assert {k: v for k, v in after.items() if k != "case_lifecycle"} == \
           {k: v for k, v in before.items() if k != "case_lifecycle"}
    assert after["case_lifecycle"][:-1] == before["case_lifecycle"]
    case = desk.store.cases.get(case_id)
    assert case.identification_status == "reasonable_grounds"
    assert (case.lifecycle[-1].stage, case.lifecycle[-1].on, case.lifecycle[-1].outcome) == \
           ("reasonable_grounds", ON, "positive")
    assert len(case.lifecycle) == len(before["case_lifecycle"]) + 1


def test_generic_save_rewrites_only_the_changed_child_table(any_desk):
    desk = any_desk
    case_id = _full_case(desk, case_status="active")
    before = _children(desk, case_id)
    with statements(desk.store.engine) as seen:
        consent.record(desk.cw, desk.who("worker_a"), case_id, purpose="sharing", given_on=ON,
                       organisation_id=NGO, expected_version=1)
    child_tables = {table.name for table in t.CASE_CHILD_TABLES}
    assert _touched(seen, "DELETE FROM") & child_tables == {"consents"}
    assert _touched(seen, "INSERT INTO") & child_tables == {"consents"}
    after = _children(desk, case_id)
    assert {k: v for k, v in after.items() if k != "consents"} == \
           {k: v for k, v in before.items() if k != "consents"}
    assert len(after["consents"]) == len(before["consents"]) + 1
    assert desk.store.cases.get(case_id).consents[-1].purpose == "sharing"


def test_a_stale_version_is_refused_before_anything_is_written(any_desk):
    desk = any_desk
    case_id = desk.new_case(case_status="open")
    worker = desk.who("worker_a")
    assert lifecycle.apply(desk.cw, worker, case_id, "case", "activate", {"on": ON}, expected_version=1) == 2
    with pytest.raises(ConflictError, match="version 2, expected 1"):
        lifecycle.apply(desk.cw, worker, case_id, "case", "start_follow_up", {"on": ON}, expected_version=1)
    case = desk.store.cases.get(case_id)
    assert case.case_status == "active" and desk.store.cases.version(case_id) == 2


def test_two_saves_from_the_same_version_cannot_both_succeed(any_desk):
    """The second writer waits for the first one's row lock, then finds the version moved: ConflictError."""
    desk = any_desk
    case_id = desk.new_case(case_status="open")
    head = load_head(desk.store.engine, case_id)
    first_wrote, outcome = threading.Event(), {}

    def second() -> None:
        first_wrote.wait(timeout=30)
        try:
            with writing(desk.store.engine) as conn:
                outcome["version"] = bump(conn, case_id, head.version, case_status="follow_up")
        except ConflictError as exc:
            outcome["error"] = exc

    other = threading.Thread(target=second)
    other.start()
    with writing(desk.store.engine) as conn:
        assert bump(conn, case_id, head.version, case_status="active") == 2
        first_wrote.set()
        other.join(timeout=0.5)  # the second writer is blocked while this transaction is open
        assert other.is_alive()
    other.join(timeout=60)
    assert "version" not in outcome and "changed by someone else" in outcome["error"].message
    assert load_head(desk.store.engine, case_id).case_status == "active"


def test_concurrent_status_changes_keep_one_verifiable_audit_chain(any_desk):
    """Many workers saving different cases at once: every save lands once, the chain still verifies."""
    desk = any_desk
    cases = [desk.new_case(case_status="open") for _ in range(12)]
    barrier, failures = threading.Barrier(6), []

    def worker(mine: list[str]) -> None:
        try:
            barrier.wait(timeout=30)
            for case_id in mine:
                lifecycle.apply(desk.cw, desk.who("worker_a"), case_id, "case", "activate", {"on": ON},
                                expected_version=1)
                lifecycle.apply(desk.cw, desk.who("worker_a"), case_id, "case", "start_follow_up", {"on": ON},
                                expected_version=2)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(cases[i::6],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert {load_head(desk.store.engine, c).version for c in cases} == {3}
    assert verify_chain(desk.store.engine).ok
