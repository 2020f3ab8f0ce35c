"""Review of uncertain links: list pairs for a case worker, record accept/reject decisions, notify hooks.

Decisions go to a :class:`DecisionLog` (in memory, a JSON-lines file, or the store's review queue, on which the
web page decides too: :class:`ctkit.share.link.review_store.StoreDecisionLog`) and then to every hook, so the
audit trail can subscribe (event names ``link.accept`` and ``link.reject``) without this module knowing about it.
An ``authorize`` callable, given by the caller, is asked first; when it raises (``PermissionDenied``), nothing is
written and no hook runs.

Example:
    >>> # queue = ReviewQueue(result, MemoryDecisionLog(), hooks=[audit.record])
    >>> # queue.decide(queue.pending()[0].pair_id, accepted=True, reviewer="user-uuid")
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from ctkit.errors import ConflictError, NotFoundError
from ctkit.share.link.linkage import LinkResult

__all__ = ["DecisionLog", "JsonlDecisionLog", "LINK_REASONS", "LinkDecision", "MemoryDecisionLog", "ReviewItem",
           "ReviewQueue"]

# Why a reviewer accepted or rejected a link: codes only, so the store and the audit trail never hold free text.
LINK_REASONS: dict[str, str] = {
    "same_document": "Same identity document",
    "confirmed_by_person": "Confirmed with the person or their file",
    "confirmed_by_partner": "Confirmed by the other organisation",
    "different_person": "Different people",
    "conflicting_birth_date": "Birth dates conflict",
    "conflicting_details": "Other details conflict",
    "insufficient_evidence": "Not enough evidence to link",
}


@dataclass(frozen=True)
class ReviewItem:
    """One uncertain pair as the review page shows it: record ids and the model's evidence, no personal data."""

    pair_id: str
    unique_id_l: str
    unique_id_r: str
    match_weight: float
    match_probability: float


@dataclass(frozen=True)
class LinkDecision:
    """A reviewer's decision on one pair. ``event`` is the named action the audit trail records."""

    pair_id: str
    unique_id_l: str
    unique_id_r: str
    accepted: bool
    reviewer: str
    decided_at: str
    reason: str | None = None

    @property
    def event(self) -> str:
        return "link.accept" if self.accepted else "link.reject"


class DecisionLog(Protocol):
    def append(self, decision: LinkDecision) -> None: ...

    def all(self) -> list[LinkDecision]: ...


class MemoryDecisionLog:
    """Decisions kept in memory (tests, one-off sessions)."""

    def __init__(self) -> None:
        self._items: list[LinkDecision] = []

    def append(self, decision: LinkDecision) -> None:
        self._items.append(decision)

    def all(self) -> list[LinkDecision]:
        return list(self._items)


class JsonlDecisionLog:
    """Decisions appended to a JSON-lines file, one object a line; survives restarts."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, decision: LinkDecision) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(decision), sort_keys=True) + "\n")

    def all(self) -> list[LinkDecision]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [LinkDecision(**json.loads(line)) for line in lines if line.strip()]


Hook = Callable[[LinkDecision], None]
Authorize = Callable[[str, str, ReviewItem], None]  # (reviewer, action, item); raises to deny


class ReviewQueue:
    """Uncertain pairs of a :class:`LinkResult` and the decisions taken on them."""

    def __init__(
        self,
        result: LinkResult,
        log: DecisionLog,
        *,
        hooks: Iterable[Hook] = (),
        authorize: Authorize | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._result = result
        self._log = log
        self._hooks = list(hooks)
        self._authorize = authorize
        self._clock = clock
        held = result.pairs["pair_id"].isin(result.held_back()["pair_id"])  # above accept but would chain persons
        band = result.pairs[(result.pairs["match_probability"] < result.accept) | held]
        fields = list(ReviewItem.__dataclass_fields__)
        self._items = {row.pair_id: ReviewItem(*row) for row in band[fields].itertuples(index=False)}

    def pending(self) -> list[ReviewItem]:
        """Pairs still waiting for a decision, strongest evidence first."""
        done = {d.pair_id for d in self._log.all()}
        waiting = [item for pid, item in self._items.items() if pid not in done]
        return sorted(waiting, key=lambda item: -item.match_weight)

    def decide(self, pair_id: str, *, accepted: bool, reviewer: str, reason: str | None = None) -> LinkDecision:
        """Record a decision on ``pair_id`` and notify the hooks; returns it.

        Raises ``NotFoundError`` for a pair not under review, ``ConflictError`` for a pair already decided, and
        whatever ``authorize`` raises (e.g. ``PermissionDenied``); in each case nothing is written.
        """
        item = self._items.get(pair_id)
        if item is None:
            raise NotFoundError("no uncertain pair with this id is under review")
        action = "link.accept" if accepted else "link.reject"
        if self._authorize is not None:
            self._authorize(reviewer, action, item)
        if any(d.pair_id == pair_id for d in self._log.all()):
            raise ConflictError("this pair has already been decided")
        decision = LinkDecision(
            pair_id, item.unique_id_l, item.unique_id_r, accepted, reviewer, self._clock().isoformat(), reason
        )
        self._log.append(decision)
        for hook in self._hooks:
            hook(decision)
        return decision

    def resolved(self) -> LinkResult:
        """The link result with every logged decision applied (clusters change accordingly)."""
        return self._result.with_decisions({d.pair_id: d.accepted for d in self._log.all()})
