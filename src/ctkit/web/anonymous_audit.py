"""How many denied anonymous requests reach the audit trail: all of them up to a budget per minute, then a count.

Requests without a session cookie to a route that touches data are probes (or a bookmark after sign-out); a
reviewer wants to see them, but an unauthenticated flood must not be able to fill the audit table. So each app
instance writes at most ``limit`` such rows per ``window``; the first refusal over the budget writes one
``anonymous_flood`` row, and the next window's first denial writes how many were left out (``suppressed``).
Counted per worker process: the bound on rows is ``limit`` x workers per window.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_LIMIT = 60
DEFAULT_WINDOW_S = 60.0


@dataclass(frozen=True)
class Admission:
    """What to write for one denial: the denial itself, a flood marker, and the previous window's left-out count."""

    write_denial: bool
    flood_started: bool
    suppressed_before: int


class AnonymousDenialBudget:
    """A per-window budget of audit rows for denied anonymous requests (thread-safe).

    >>> budget = AnonymousDenialBudget(limit=1, window_s=60, clock=lambda: 0.0)
    >>> budget.admit(), budget.admit().flood_started
    (Admission(write_denial=True, flood_started=False, suppressed_before=0), True)
    """

    def __init__(self, limit: int = DEFAULT_LIMIT, window_s: float = DEFAULT_WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self._lock = threading.Lock()
        self._window_start = clock()
        self._written = 0
        self._suppressed = 0

    def admit(self) -> Admission:
        """Count one denial and say what to write for it."""
        with self._lock:
            now = self.clock()
            carried = 0
            if now - self._window_start >= self.window_s:
                carried, self._suppressed, self._written, self._window_start = self._suppressed, 0, 0, now
            if self._written < self.limit:
                self._written += 1
                return Admission(True, False, carried)
            self._suppressed += 1
            return Admission(False, self._suppressed == 1, carried)
