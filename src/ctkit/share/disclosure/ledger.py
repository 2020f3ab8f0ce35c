"""The privacy-budget ledger: each data set's agreed total (epsilon, delta) and every release charged against it.

Accounting is basic sequential composition: the epsilons of all releases of a data set add up, and so do their
deltas. A release is allowed only while both sums stay within the agreed total. This is loose (advanced or zCDP
composition would allow more releases for the same guarantee) but it is simple to state and to audit, and it
holds for every mechanism, whatever it is.

Deny by default: a data set without a budget cannot be released at all. The charge is atomic with the check:
the budget row is locked by a write at the start of the transaction (an ``UPDATE`` that changes nothing), so two
concurrent releases on PostgreSQL (row lock) or SQLite (the one writer lock) are serialised and the second sees
the first's charge.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from ctkit.errors import BudgetExceeded, DisclosureError, ValidationError
from ctkit.store.ledger_tables import privacy_budgets, privacy_releases

# Float sums of many small epsilons drift by ulps; a release that fits "exactly" must not be refused for that.
SLACK = 1e-9


@dataclass(frozen=True)
class Budget:
    """Agreed total budget of one data set, what has been spent and what is left (sequential composition)."""

    dataset: str
    epsilon: float
    delta: float
    spent_epsilon: float
    spent_delta: float

    @property
    def remaining_epsilon(self) -> float:
        return max(0.0, self.epsilon - self.spent_epsilon)

    @property
    def remaining_delta(self) -> float:
        return max(0.0, self.delta - self.spent_delta)

    def allows(self, epsilon: float, delta: float) -> bool:
        return (self.spent_epsilon + epsilon <= self.epsilon + SLACK
                and self.spent_delta + delta <= self.delta + SLACK * max(self.delta, 1e-12))


@dataclass(frozen=True)
class LedgerEntry:
    """One charged release: its parameters, never any data."""

    release_id: str
    dataset: str
    created_at: datetime
    epsilon: float
    delta: float
    mechanism: str
    product: str
    parameters: dict[str, Any]
    actor_id: str | None


def check_privacy_parameters(epsilon: float, delta: float) -> None:
    """Raise ValidationError unless 0 < epsilon < inf and 0 <= delta < 1."""
    if not (isinstance(epsilon, int | float) and 0 < epsilon < float("inf")):
        raise ValidationError(f"epsilon must be a positive finite number, got {epsilon!r}")
    if not (isinstance(delta, int | float) and 0 <= delta < 1):
        raise ValidationError(f"delta must be in [0, 1), got {delta!r}")


class PrivacyLedger:
    """Budgets and charged releases of every data set, stored in the operational database.

    >>> ledger = PrivacyLedger(engine)                       # doctest: +SKIP
    >>> ledger.set_budget("ctdc-2026", epsilon=3.0, delta=1e-6, actor_id=admin_id)  # doctest: +SKIP
    >>> ledger.remaining("ctdc-2026")                        # doctest: +SKIP
    (3.0, 1e-06)
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def set_budget(self, dataset: str, *, epsilon: float, delta: float, actor_id: str | None = None) -> None:
        """Agree (or change) the total budget of ``dataset``.

        Raises ValidationError for invalid parameters or a total below what has already been spent (a spent
        budget cannot be taken back).
        """
        check_privacy_parameters(epsilon, delta)
        with self.engine.begin() as conn:
            exists = _lock_budget(conn, dataset)  # a charge running now finishes first, so `spent` is current
            spent_eps, spent_delta = self._spent(conn, dataset)
            if epsilon + SLACK < spent_eps or delta + SLACK * max(delta, 1e-12) < spent_delta:
                raise ValidationError(
                    f"data set '{dataset}' has already spent epsilon={spent_eps:g}, delta={spent_delta:g}; "
                    f"a total of epsilon={epsilon:g}, delta={delta:g} is below that")
            values = {"epsilon": float(epsilon), "delta": float(delta), "set_at": datetime.now(UTC),
                      "set_by": actor_id}
            if exists:
                conn.execute(update(privacy_budgets).where(privacy_budgets.c.dataset == dataset).values(**values))
            else:
                conn.execute(insert(privacy_budgets).values(dataset=dataset, **values))

    def budget(self, dataset: str) -> Budget:
        """The budget of ``dataset``; raises DisclosureError when none was agreed (deny by default)."""
        with self.engine.connect() as conn:
            return self._budget(conn, dataset)

    def spent(self, dataset: str) -> tuple[float, float]:
        """(epsilon, delta) charged so far to ``dataset`` (0, 0 when nothing was released)."""
        with self.engine.connect() as conn:
            return self._spent(conn, dataset)

    def remaining(self, dataset: str) -> tuple[float, float]:
        """(epsilon, delta) still available to ``dataset``; raises DisclosureError when no budget was agreed."""
        budget = self.budget(dataset)
        return budget.remaining_epsilon, budget.remaining_delta

    def releases(self, dataset: str) -> list[LedgerEntry]:
        """Every release charged to ``dataset``, oldest first."""
        query = (select(privacy_releases).where(privacy_releases.c.dataset == dataset)
                 .order_by(privacy_releases.c.created_at, privacy_releases.c.id))
        with self.engine.connect() as conn:
            return [LedgerEntry(release_id=row.id, dataset=row.dataset, created_at=_aware(row.created_at),
                                epsilon=row.epsilon, delta=row.delta, mechanism=row.mechanism, product=row.product,
                                parameters=dict(row.parameters), actor_id=row.actor_id)
                    for row in conn.execute(query)]

    def check(self, dataset: str, *, epsilon: float, delta: float) -> Budget:
        """Fail early (before any computation) when a release of (epsilon, delta) would not fit; no charge."""
        check_privacy_parameters(epsilon, delta)
        budget = self.budget(dataset)
        if not budget.allows(epsilon, delta):
            raise _exceeded(budget, epsilon, delta)
        return budget

    def charge(self, dataset: str, *, epsilon: float, delta: float, mechanism: str, product: str,
               parameters: dict[str, Any], actor_id: str | None = None) -> str:
        """Check the budget and record a release in one transaction; returns the new release id.

        Raises BudgetExceeded (naming the data set, the request and what remains) and writes nothing when the
        release would exceed the agreed total; DisclosureError when no budget was agreed.
        """
        with self.charging(dataset, epsilon=epsilon, delta=delta, mechanism=mechanism, product=product,
                           parameters=parameters, actor_id=actor_id) as release_id:
            return release_id

    @contextmanager
    def charging(self, dataset: str, *, epsilon: float, delta: float, mechanism: str, product: str,
                 parameters: dict[str, Any], actor_id: str | None = None) -> Iterator[str]:
        """Charge a release and keep the transaction open while the body writes the release out.

        The charge commits only when the body succeeds, so a release that fails half-way is not charged; while
        the body runs, other releases of the same data set wait. Yields the release id.
        """
        check_privacy_parameters(epsilon, delta)
        release_id = str(uuid.uuid4())
        with self.engine.begin() as conn:
            if not _lock_budget(conn, dataset):
                raise _no_budget(dataset)
            budget = self._budget(conn, dataset)
            if not budget.allows(epsilon, delta):
                raise _exceeded(budget, epsilon, delta)
            conn.execute(insert(privacy_releases).values(
                id=release_id, dataset=dataset, created_at=datetime.now(UTC), epsilon=float(epsilon),
                delta=float(delta), mechanism=mechanism, product=product, parameters=parameters, actor_id=actor_id))
            yield release_id

    def _budget(self, conn, dataset: str) -> Budget:
        row = conn.execute(select(privacy_budgets.c.epsilon, privacy_budgets.c.delta)
                           .where(privacy_budgets.c.dataset == dataset)).first()
        if row is None:
            raise _no_budget(dataset)
        spent_eps, spent_delta = self._spent(conn, dataset)
        return Budget(dataset=dataset, epsilon=row.epsilon, delta=row.delta, spent_epsilon=spent_eps,
                      spent_delta=spent_delta)

    @staticmethod
    def _spent(conn, dataset: str) -> tuple[float, float]:
        row = conn.execute(select(func.coalesce(func.sum(privacy_releases.c.epsilon), 0.0),
                                  func.coalesce(func.sum(privacy_releases.c.delta), 0.0))
                           .where(privacy_releases.c.dataset == dataset)).one()
        return float(row[0]), float(row[1])


def _lock_budget(conn, dataset: str) -> bool:
    """Lock the budget row of ``dataset`` for this transaction; False when the data set has no budget.

    A write that changes nothing, done before anything is read: it takes the row lock (PostgreSQL) or the
    database's writer lock (SQLite), so sums read afterwards cannot be made stale by a concurrent release.
    """
    return bool(conn.execute(update(privacy_budgets).where(privacy_budgets.c.dataset == dataset)
                             .values(epsilon=privacy_budgets.c.epsilon)).rowcount)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time stored here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _no_budget(dataset: str) -> DisclosureError:
    return DisclosureError(f"no privacy budget is agreed for data set '{dataset}'; nothing was released",
                           hint="an administrator sets one with PrivacyLedger.set_budget (deny by default)")


def _exceeded(budget: Budget, epsilon: float, delta: float) -> BudgetExceeded:
    return BudgetExceeded(
        f"release on data set '{budget.dataset}' requests epsilon={epsilon:g}, delta={delta:g} but only "
        f"epsilon={budget.remaining_epsilon:g}, delta={budget.remaining_delta:g} remain of the agreed "
        f"epsilon={budget.epsilon:g}, delta={budget.delta:g}; nothing was released",
        hint="release fewer tables, lower epsilon, or agree a larger budget")
