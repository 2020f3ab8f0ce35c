"""Who acts, and the seam through which casework asks the one authorization policy.

:mod:`ctkit.record` never imports the web package: the caller injects an :class:`Authorizer`. The web app's
implementation (``ctkit.web.routes.casework_access.PolicyAuthorizer``) calls ``policy.allowed(actor, action,
resource)`` and audits denials; tests use the same one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Target:
    """What an action is about: a case, or a referral of a case (``referral_to`` = receiving organisation)."""

    case_id: str
    referral_to: str | None = None


class Authorizer(Protocol):
    """Decides for one actor. ``authorize`` returns the policy's reason code or raises PermissionDenied
    (NotFoundError for a case out of scope, so guessed ids reveal nothing)."""

    @property
    def actor_id(self) -> str: ...

    @property
    def organisation_id(self) -> str: ...

    def authorize(self, action: str, target: Target) -> str: ...
