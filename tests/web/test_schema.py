"""Schemathesis against the OpenAPI document, once per role and once signed out: no 5xx, responses that keep to
the schema, and no operation but sign-in that answers without a session. Bounded: a few examples per operation.

Driven through schemathesis' strategies with Hypothesis directly (its pytest plugin's lazy fixtures do not run
under this pytest version).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.conftest import World

# What the issue asks of every answer: no 5xx, documented status, content type and body. (Schemathesis' stricter
# "positive data accepted" check is left out: a route may refuse a schema-valid value it cannot use, with a 422.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = {"screener": "screener_a", "case_worker": "worker_a", "supervisor": "supervisor_a",
         "analyst": "analyst_a", "trainer": "trainer_a", "administrator": "admin_a"}
BOUNDED = settings(max_examples=3, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                   suppress_health_check=list(HealthCheck))


def operations(world: World):
    # Sign-in and sign-out change who is signed in; test_api.py tests them directly.
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", world.app).exclude(path="/api/v1/session")
    return [result.ok() for result in schema.get_all_operations()]


def fuzz(world: World, check) -> None:
    for operation in operations(world):
        BOUNDED(given(case=operation.as_strategy())(_wrap(check)))()


def _wrap(check):
    def run(case) -> None:  # a fresh function each time: Hypothesis decorates it once
        check(case)

    return run


@pytest.mark.parametrize("role", sorted(ROLES))
def test_api_per_role(sqlite_world: World, role: str):
    client, csrf = sqlite_world.login(ROLES[role])
    headers = {"Cookie": f"ctkit_session={client.cookies.get('ctkit_session')}", "X-CSRF-Token": csrf}

    def check(case) -> None:
        response = case.call(headers=headers)
        assert response.status_code < 500, f"{case.method} {case.path}: {response.text}"
        case.validate_response(response, checks=CHECKS)

    fuzz(sqlite_world, check)


def test_api_signed_out(sqlite_world: World):
    def check(case) -> None:
        response = case.call()
        assert response.status_code in (401, 422), f"{case.method} {case.path} answered {response.status_code}"

    fuzz(sqlite_world, check)
