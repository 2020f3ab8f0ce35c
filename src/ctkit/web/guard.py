"""The route guard: every route that touches data declares its action with ``Depends(requires("case.view"))``.

The guard loads the server-side session, checks CSRF on every state-changing method, checks that the role may do
the action under some scope (resource-level checks follow in the services, through the same policy) and hands
the route a :class:`Ctx`: the only way a route gets the store. Denials are audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ctkit.errors import AuthenticationError, PermissionDenied
from ctkit.store.audit import AuditEvent, append_now
from ctkit.web import auth
from ctkit.web.i18n import translator
from ctkit.web.policy import Actor, Decision, Resource, allowed, matrix
from ctkit.web.state import WebState

SESSION_COOKIE = "ctkit_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Routes of the signed-in shell (home, who am I, sign-out, language): opening the app without a cookie is the
# normal way to reach the sign-in page, not a probe, so it is not audited.
LANDING_ACTIONS = frozenset({"session.use"})


class SecondFactorRequired(AuthenticationError):
    """The session exists but the TOTP step is not done yet."""


class CsrfError(PermissionDenied):
    """A state change came without the session's CSRF token (missing, forged or from an ended session)."""


@dataclass(frozen=True)
class Ctx:
    """What a guarded route gets: the actor, its session, the app state and the request's language."""

    request: Request
    state: WebState
    session: auth.SessionInfo
    action: str

    @property
    def actor(self) -> Actor:
        return self.session.actor

    @property
    def lang(self) -> str:
        return self.session.user.language

    @property
    def gettext(self) -> Callable[[str], str]:
        return translator(self.lang)

    def authorize(self, action: str, resource: Resource) -> Decision:
        """Check ``action`` on ``resource`` with the policy; audit and raise PermissionDenied when denied."""
        decision = allowed(self.actor, action, resource)
        if not decision.allowed:
            audit_denial(self.state, self.actor, action, resource.resource_type, resource.resource_id,
                         decision.reason)
            raise PermissionDenied("you are not allowed to do this", hint=f"reason: {decision.reason}")
        return decision


def audit_denial(state: WebState, actor: Actor | None, action: str, resource_type: str, resource_id: str | None,
                 reason: str) -> None:
    append_now(state.store.engine, AuditEvent(
        action=action, outcome="denied", reason=reason, actor_id=actor.user_id if actor else None,
        organisation_id=actor.organisation_id if actor else None, resource_type=resource_type,
        resource_id=resource_id))


def audit_anonymous(state: WebState, action: str) -> None:
    """Audit a request without any session cookie, within the app's budget (see :mod:`anonymous_audit`)."""
    admission = state.anonymous_denials.admit()
    if admission.suppressed_before:
        append_now(state.store.engine, AuditEvent(
            action="session.anonymous", outcome="denied", reason="anonymous_suppressed", resource_type="route",
            details={"suppressed": admission.suppressed_before}))
    if admission.write_denial:
        audit_denial(state, None, action, "route", None, "no_session")
    elif admission.flood_started:
        append_now(state.store.engine, AuditEvent(
            action="session.anonymous", outcome="denied", reason="anonymous_flood", resource_type="route",
            details={"limit": state.anonymous_denials.limit}))


async def _presented_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def requires(action: str) -> Callable[..., Any]:
    """A FastAPI dependency that admits only sessions whose role may do ``action`` (see matrix.yaml).

    Raises AuthenticationError (401 / redirect to sign-in), SecondFactorRequired, CsrfError (403) or
    PermissionDenied (403, audited).
    """
    if action not in matrix().actions:
        raise ValueError(f"unknown action {action!r}: add it to matrix.yaml")

    async def guard(request: Request) -> Ctx:
        state: WebState = request.app.state.web
        token = request.cookies.get(SESSION_COOKIE)
        info = await run_in_threadpool(auth.load_session, state.store.engine, token, **state.session_limits,
                                       allow_partial=True)
        if info is None:
            if token:  # a cookie that is unknown or expired: worth a trace (a stolen or replayed token?)
                await run_in_threadpool(audit_denial, state, None, action, "route", None, "session_invalid")
            elif action not in LANDING_ACTIONS:  # a probe of a data route: audited within a budget
                await run_in_threadpool(audit_anonymous, state, action)
            raise AuthenticationError("sign in to continue")
        if not info.mfa_ok:
            raise SecondFactorRequired("enter the code from your authenticator app to finish signing in")
        if request.method not in SAFE_METHODS and not auth.csrf_matches(info, await _presented_csrf(request)):
            await run_in_threadpool(audit_denial, state, info.actor, action, "request", None, "csrf_invalid")
            raise CsrfError("the form has expired or did not come from this site", hint="reload the page and retry")
        if not matrix().scopes(info.actor.role, action):
            await run_in_threadpool(audit_denial, state, info.actor, action, "route", None, "role_lacks_action")
            raise PermissionDenied("your role does not allow this")
        return Ctx(request, state, info, action)

    guard.ctkit_action = action  # type: ignore[attr-defined]  # read by the route-coverage test
    return guard
