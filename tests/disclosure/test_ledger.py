"""The privacy-budget ledger on SQLite and PostgreSQL: deny by default, sequential composition, atomic charges."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine, func, select

from ctkit.errors import BudgetExceeded, DisclosureError, ValidationError
from ctkit.share.disclosure import PrivacyLedger
from ctkit.store.ledger_tables import privacy_releases

CHARGE = {"mechanism": "test.mechanism", "product": "test-product", "parameters": {"tables": 1}}


def release_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(privacy_releases)).scalar_one()


def test_no_budget_means_no_release(ledger: PrivacyLedger, engine: Engine):
    with pytest.raises(DisclosureError, match="no privacy budget is agreed for data set 'ctdc'"):
        ledger.charge("ctdc", epsilon=0.1, delta=0.0, **CHARGE)
    with pytest.raises(DisclosureError):
        ledger.remaining("ctdc")
    assert release_rows(engine) == 0 and ledger.spent("ctdc") == (0.0, 0.0)


def test_releases_add_up_and_are_recorded_with_their_parameters(ledger: PrivacyLedger):
    ledger.set_budget("ctdc", epsilon=1.0, delta=1e-6, actor_id="admin-1")
    first = ledger.charge("ctdc", epsilon=0.25, delta=0.0, actor_id="analyst-1", **CHARGE)
    second = ledger.charge("ctdc", epsilon=0.5, delta=5e-7, **CHARGE)
    assert ledger.spent("ctdc") == pytest.approx((0.75, 5e-7))
    assert ledger.remaining("ctdc") == pytest.approx((0.25, 5e-7))
    entries = ledger.releases("ctdc")
    assert [e.release_id for e in entries] == [first, second]
    assert entries[0].actor_id == "analyst-1" and entries[0].parameters == {"tables": 1}
    assert entries[0].mechanism == "test.mechanism" and entries[0].created_at.tzinfo is not None
    assert ledger.releases("other") == []


def test_over_budget_is_refused_naming_data_set_request_and_remainder(ledger: PrivacyLedger, engine: Engine):
    ledger.set_budget("ctdc", epsilon=1.0, delta=1e-6)
    ledger.charge("ctdc", epsilon=0.7, delta=0.0, **CHARGE)
    with pytest.raises(BudgetExceeded) as refused:
        ledger.charge("ctdc", epsilon=0.4, delta=0.0, **CHARGE)
    message = str(refused.value)
    assert "'ctdc'" in message and "epsilon=0.4" in message and "only epsilon=0.3," in message
    with pytest.raises(BudgetExceeded, match="delta"):
        ledger.charge("ctdc", epsilon=0.1, delta=2e-6, **CHARGE)
    assert release_rows(engine) == 1
    ledger.charge("ctdc", epsilon=0.3, delta=1e-6, **CHARGE)  # exactly the rest fits (float sums drift by ulps)
    assert ledger.remaining("ctdc") == pytest.approx((0.0, 0.0), abs=1e-12)


def test_a_failed_write_is_not_charged(ledger: PrivacyLedger, engine: Engine):
    ledger.set_budget("ctdc", epsilon=1.0, delta=0.0)
    with pytest.raises(OSError), ledger.charging("ctdc", epsilon=0.5, delta=0.0, **CHARGE):
        raise OSError("disk full")
    assert release_rows(engine) == 0 and ledger.spent("ctdc") == (0.0, 0.0)


def test_budget_cannot_drop_below_what_is_spent_and_parameters_are_checked(ledger: PrivacyLedger):
    ledger.set_budget("ctdc", epsilon=1.0, delta=0.0)
    ledger.charge("ctdc", epsilon=0.6, delta=0.0, **CHARGE)
    with pytest.raises(ValidationError, match="already spent"):
        ledger.set_budget("ctdc", epsilon=0.5, delta=0.0)
    ledger.set_budget("ctdc", epsilon=2.0, delta=0.0, actor_id="admin-2")  # raising it is allowed (and recorded)
    assert ledger.budget("ctdc").epsilon == 2.0
    for epsilon, delta in ((0.0, 0.0), (-1.0, 0.0), (float("inf"), 0.0), (1.0, 1.0), (1.0, -1e-9)):
        with pytest.raises(ValidationError):
            ledger.charge("ctdc", epsilon=epsilon, delta=delta, **CHARGE)


def test_a_concurrent_release_waits_for_the_first_and_then_sees_its_charge(ledger: PrivacyLedger):
    ledger.set_budget("ctdc", epsilon=1.0, delta=0.0)
    inside, finish = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def first() -> None:
        with ledger.charging("ctdc", epsilon=0.6, delta=0.0, **CHARGE):
            inside.set()
            finish.wait(20)  # still writing the release: the transaction (and the budget row lock) stays open

    def second() -> None:
        inside.wait(20)
        try:
            ledger.charge("ctdc", epsilon=0.6, delta=0.0, **CHARGE)
            outcome["second"] = "charged"
        except BudgetExceeded:
            outcome["second"] = "refused"

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert inside.wait(20)
    time.sleep(0.5)
    assert "second" not in outcome  # blocked on the lock, not answered from a stale sum
    finish.set()
    for thread in threads:
        thread.join(30)
    assert outcome == {"second": "refused"}
    assert ledger.spent("ctdc") == pytest.approx((0.6, 0.0))


def test_many_concurrent_releases_never_overspend(ledger: PrivacyLedger, engine: Engine):
    ledger.set_budget("ctdc", epsilon=1.0, delta=0.0)
    start = threading.Barrier(6)
    results: list[str] = []

    def release() -> None:
        start.wait(20)
        try:
            ledger.charge("ctdc", epsilon=0.3, delta=0.0, **CHARGE)
            results.append("charged")
        except BudgetExceeded:
            results.append("refused")

    threads = [threading.Thread(target=release) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results) == ["charged"] * 3 + ["refused"] * 3
    assert release_rows(engine) == 3 and ledger.spent("ctdc")[0] == pytest.approx(0.9)
