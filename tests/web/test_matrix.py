"""Tests generated from matrix.yaml: every role x relation x action, and every route of the app."""

from __future__ import annotations

import itertools
import re

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount

from ctkit.web.policy import Actor, CaseFacts, OrgResource, OwnAccount, allowed, matrix, scope_filter

M = matrix()
ROLES = list(M.roles)
CELLS = list(itertools.product(ROLES, M.relations, M.actions))


def resource_with(relation: str):
    """A resource that stands in exactly ``relation`` to the actor built by :func:`actor`."""
    return {
        "own": CaseFacts("c", "org-x", owners=frozenset({"me"})),
        "assigned": CaseFacts("c", "org-x", assignees=frozenset({"me"})),
        "referred": CaseFacts("c", "org-x", referred_to=frozenset({"org-me"})),
        "team": CaseFacts("c", "org-me", teams=frozenset({"team-me"})) if False else None,
        "org": OrgResource("org-me"),
    }[relation]


def actor(role: str, mfa_ok: bool = True) -> Actor:
    return Actor("me", "org-me", "team-me", role, mfa_ok)


@pytest.mark.parametrize(("role", "relation", "action"), CELLS, ids=["-".join(c) for c in CELLS])
def test_cell(role: str, relation: str, action: str):
    resource = resource_with(relation)
    if resource is None:  # 'team' cannot hold without 'org' (team cases are in the actor's organisation)
        resource = CaseFacts("c", "org-me", teams=frozenset({"team-me"}))
        expected = bool(M.scopes(role, action) & {"team", "org"})
    else:
        expected = relation in M.scopes(role, action)
    decision = allowed(actor(role), action, resource)
    assert decision.allowed is expected, decision.reason
    assert re.fullmatch(r"[a-z_]+", decision.reason)


@pytest.mark.parametrize("role", ROLES)
def test_unrelated_resource_is_denied_for_every_action(role: str):
    stranger = CaseFacts("c", "org-other")
    for action in M.actions:
        assert not allowed(actor(role), action, stranger).allowed


def test_deny_by_default():
    assert allowed(None, "case.view", OwnAccount()).reason == "not_authenticated"
    assert allowed(actor("supervisor"), "case.delete", OrgResource("org-me")).reason == "unknown_action"
    assert allowed(actor("nobody"), "case.view", OrgResource("org-me")).reason == "role_lacks_action"
    assert allowed(actor("supervisor", mfa_ok=False), "case.view", OrgResource("org-me")).reason == \
        "second_factor_missing"
    assert scope_filter(actor("analyst"), "case.list") is None


def test_roles_with_personal_actions_need_the_second_factor():
    for role, actions in M.roles.items():
        if set(actions) & M.personal_actions:
            assert role in M.mfa_roles, role


def test_analyst_never_sees_case_data():
    for action in ("case.list", "case.view", "person.reveal", "case.export"):
        assert not M.scopes("analyst", action)


def _flat_routes(routes):
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI keeps included routers as one entry
        if inner is not None:
            yield from _flat_routes(inner.routes)
        else:
            yield route


def _route_keys(app) -> dict[str, object]:
    keys = {}
    for route in _flat_routes(app.routes):
        if isinstance(route, Mount):
            keys[f"GET {route.path}"] = route
        elif isinstance(route, APIRoute) or hasattr(route, "methods"):
            for method in sorted(route.methods - {"HEAD"}):
                keys[f"{method} {route.path}"] = route
    return keys


def _guard_actions(route) -> set[str]:
    found, stack = set(), list(getattr(route, "dependant", None) and route.dependant.dependencies or [])
    while stack:
        dep = stack.pop()
        if getattr(dep.call, "ctkit_action", None):
            found.add(dep.call.ctkit_action)
        stack.extend(dep.dependencies)
    return found


def test_every_route_is_in_the_matrix_and_guarded_by_its_action(sqlite_world):
    routes = _route_keys(sqlite_world.app)
    missing = sorted(set(routes) - set(M.routes))
    assert not missing, f"routes missing from matrix.yaml: {missing}"
    stale = sorted(set(M.routes) - set(routes))
    assert not stale, f"matrix.yaml names routes the app does not have: {stale}"
    for key, route in routes.items():
        action = M.routes[key]
        guards = _guard_actions(route)
        if action == "public":
            assert not guards, key
        else:
            assert action in M.actions, key
            assert guards == {action}, f"{key} must depend on requires({action!r}), has {guards}"


@pytest.mark.parametrize("key", [k for k, v in M.routes.items() if v != "public"])
def test_no_route_answers_without_a_session(sqlite_world, key: str):
    method, path = key.split(" ", 1)
    path = re.sub(r"\{[a-z_]+\}", "0a000000-0000-4000-8000-000000000001", path)
    response = sqlite_world.client().request(method, path)
    if path.startswith("/api/"):
        assert response.status_code == 401, response.text
    else:
        assert response.status_code in (303, 401), response.text
        assert CANARY_FREE(response.text)


def CANARY_FREE(text: str) -> bool:  # noqa: N802 - reads as a predicate in asserts
    from tests.web.conftest import CANARY

    return CANARY not in text
