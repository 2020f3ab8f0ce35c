"""The privacy-budget ledger: each data set's agreed total (epsilon, delta) and every release charged against it.

Each release is recorded with its own (epsilon, delta) and, for Gaussian mechanisms, its zCDP rho. How they add up
is :mod:`ctkit.share.disclosure.accounting`: under ``basic`` accounting the epsilons add up and so do the deltas;
under ``zcdp`` (the default) a release is also allowed when the zCDP composition of every release, converted to
(epsilon, delta), stays within the agreed total. Both are valid bounds; the ledger shows both.

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

from sqlalchemy import Engine, insert, select, update

from ctkit.errors import BudgetExceeded, DisclosureError, ValidationError
from ctkit.share.disclosure.accounting import (
    ACCOUNTING_MODES,
    DEFAULT_ACCOUNTING,
    Spend,
    Total,
    basic_total,
    zcdp_total,
)
from ctkit.store.ledger_tables import privacy_budgets, privacy_releases

# Float sums of many small epsilons drift by ulps; a release that fits "exactly" must not be refused for that.
SLACK = 1e-9


@dataclass(frozen=True)
class Budget:
    """Agreed total budget of one data set and what its releases have spent, in both accountings.

    ``spent_epsilon``/``spent_delta`` and ``remaining_*`` are basic composition (sums); ``zcdp`` is the zCDP view;
    ``in_force`` is the smaller of the views the data set's ``accounting`` allows.
    """

    dataset: str
    epsilon: float
    delta: float
    spent_epsilon: float
    spent_delta: float
    accounting: str = DEFAULT_ACCOUNTING
    spends: tuple[Spend, ...] = ()

    @property
    def remaining_epsilon(self) -> float:
        return max(0.0, self.epsilon - self.spent_epsilon)

    @property
    def remaining_delta(self) -> float:
        return max(0.0, self.delta - self.spent_delta)

    @property
    def basic(self) -> Total:
        return basic_total(self.spends)

    @property
    def zcdp(self) -> Total:
        return zcdp_total(self.spends, self.delta)

    @property
    def in_force(self) -> Total:
        """The spend that counts: basic, or (zcdp accounting) whichever valid view fits and is smaller."""
        return _in_force(self.spends, self.epsilon, self.delta, self.accounting)

    def allows(self, epsilon: float, delta: float, rho: float | None = None) -> bool:
        spends = (*self.spends, Spend(float(epsilon), float(delta), rho))
        return _in_force(spends, self.epsilon, self.delta, self.accounting).fits(self.epsilon, self.delta, SLACK)


def _in_force(spends: tuple[Spend, ...], epsilon: float, delta: float, accounting: str) -> Total:
    basic = basic_total(spends)
    if accounting == "basic":
        return basic
    views = [view for view in (basic, zcdp_total(spends, delta)) if view.fits(epsilon, delta, SLACK)]
    return min(views, key=lambda view: view.epsilon) if views else basic


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
    rho: float | None = None


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

    def set_budget(self, dataset: str, *, epsilon: float, delta: float, actor_id: str | None = None,
                   accounting: str | None = None) -> None:
        """Agree (or change) the total budget of ``dataset`` and how releases add up (``accounting``: ``zcdp``,
        the default for a new budget, or ``basic``; None keeps the current one).

        Raises ValidationError for invalid parameters or a total below what has already been spent under that
        accounting (a spent budget cannot be taken back).
        """
        check_privacy_parameters(epsilon, delta)
        if accounting is not None and accounting not in ACCOUNTING_MODES:
            raise ValidationError(f"accounting must be one of {', '.join(ACCOUNTING_MODES)}, got {accounting!r}")
        with self.engine.begin() as conn:
            exists = _lock_budget(conn, dataset)  # a charge running now finishes first, so `spent` is current
            if accounting is None:
                accounting = self._budget(conn, dataset).accounting if exists else DEFAULT_ACCOUNTING
            spends = self._spends(conn, dataset)
            spent = _in_force(spends, epsilon, delta, accounting)
            if not spent.fits(epsilon, delta, SLACK):
                raise ValidationError(
                    f"data set '{dataset}' has already spent epsilon={spent.epsilon:g}, delta={spent.delta:g} "
                    f"({accounting} accounting); a total of epsilon={epsilon:g}, delta={delta:g} is below that")
            values = {"epsilon": float(epsilon), "delta": float(delta), "accounting": accounting,
                      "set_at": datetime.now(UTC), "set_by": actor_id}
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
                                parameters=dict(row.parameters), actor_id=row.actor_id, rho=row.rho)
                    for row in conn.execute(query)]

    def check(self, dataset: str, *, epsilon: float, delta: float, rho: float | None = None) -> Budget:
        """Fail early (before any computation) when a release of (epsilon, delta) would not fit; no charge.

        ``rho``: the release's zCDP parameter when its mechanism is Gaussian (composed in zCDP), else None.
        """
        check_privacy_parameters(epsilon, delta)
        _check_rho(rho)
        budget = self.budget(dataset)
        if not budget.allows(epsilon, delta, rho):
            raise _exceeded(budget, epsilon, delta, rho)
        return budget

    def charge(self, dataset: str, *, epsilon: float, delta: float, mechanism: str, product: str,
               parameters: dict[str, Any], actor_id: str | None = None, rho: float | None = None) -> str:
        """Check the budget and record a release in one transaction; returns the new release id.

        Raises BudgetExceeded (naming the data set, the request and what remains) and writes nothing when the
        release would exceed the agreed total; DisclosureError when no budget was agreed.
        """
        with self.charging(dataset, epsilon=epsilon, delta=delta, mechanism=mechanism, product=product,
                           parameters=parameters, actor_id=actor_id, rho=rho) as release_id:
            return release_id

    @contextmanager
    def charging(self, dataset: str, *, epsilon: float, delta: float, mechanism: str, product: str,
                 parameters: dict[str, Any], actor_id: str | None = None,
                 rho: float | None = None) -> Iterator[str]:
        """Charge a release and keep the transaction open while the body writes the release out.

        The charge commits only when the body succeeds, so a release that fails half-way is not charged; while
        the body runs, other releases of the same data set wait. Yields the release id.
        """
        check_privacy_parameters(epsilon, delta)
        _check_rho(rho)
        release_id = str(uuid.uuid4())
        with self.engine.begin() as conn:
            if not _lock_budget(conn, dataset):
                raise _no_budget(dataset)
            budget = self._budget(conn, dataset)
            if not budget.allows(epsilon, delta, rho):
                raise _exceeded(budget, epsilon, delta, rho)
            conn.execute(insert(privacy_releases).values(
                id=release_id, dataset=dataset, created_at=datetime.now(UTC), epsilon=float(epsilon),
                delta=float(delta), rho=None if rho is None else float(rho), mechanism=mechanism, product=product,
                parameters=parameters, actor_id=actor_id))
            yield release_id

    def _budget(self, conn, dataset: str) -> Budget:
        row = conn.execute(select(privacy_budgets.c.epsilon, privacy_budgets.c.delta, privacy_budgets.c.accounting)
                           .where(privacy_budgets.c.dataset == dataset)).first()
        if row is None:
            raise _no_budget(dataset)
        spends = self._spends(conn, dataset)
        spent = basic_total(spends)
        return Budget(dataset=dataset, epsilon=row.epsilon, delta=row.delta, spent_epsilon=spent.epsilon,
                      spent_delta=spent.delta, accounting=row.accounting, spends=spends)

    @staticmethod
    def _spends(conn, dataset: str) -> tuple[Spend, ...]:
        rows = conn.execute(select(privacy_releases.c.epsilon, privacy_releases.c.delta, privacy_releases.c.rho)
                            .where(privacy_releases.c.dataset == dataset))
        return tuple(Spend(float(r.epsilon), float(r.delta), None if r.rho is None else float(r.rho)) for r in rows)

    def _spent(self, conn, dataset: str) -> tuple[float, float]:
        spent = basic_total(self._spends(conn, dataset))
        return spent.epsilon, spent.delta


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


def _check_rho(rho: float | None) -> None:
    if rho is not None and not (isinstance(rho, int | float) and 0 < rho < float("inf")):
        raise ValidationError(f"rho must be a positive finite number or None, got {rho!r}")


def _exceeded(budget: Budget, epsilon: float, delta: float, rho: float | None) -> BudgetExceeded:
    zcdp = ""
    if budget.accounting == "zcdp":
        after = zcdp_total((*budget.spends, Spend(float(epsilon), float(delta), rho)), budget.delta)
        zcdp = f"; with it, zCDP accounting would reach epsilon={after.epsilon:g} (rho={after.rho:g})"
    return BudgetExceeded(
        f"release on data set '{budget.dataset}' requests epsilon={epsilon:g}, delta={delta:g}"
        f"{'' if rho is None else f' (rho={rho:g})'} but only epsilon={budget.remaining_epsilon:g}, "
        f"delta={budget.remaining_delta:g} remain of the agreed epsilon={budget.epsilon:g}, delta={budget.delta:g} "
        f"(basic composition){zcdp}; nothing was released",
        hint="release fewer tables, lower epsilon, or agree a larger budget")
