"""Perpetrators on a case in the web app: the policy (deny by default, analysts never, no referred access),
names written but never shown or returned, proceedings linked to a perpetrator, pages without JavaScript."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from ctkit.model import LegalProceeding
from ctkit.store import accounts as acc
from ctkit.store.audit import audit_events
from ctkit.store.db import transaction

from .conftest import CANARY, ORG_A, ORG_B, World, new_case
from .test_pages import page_login

PERSONAL = {"first_name": f"{CANARY}pfirst", "last_name": f"{CANARY}plast", "aliases": [f"{CANARY}alias"],
            "birth_date": "1979-05-06", "notes": f"{CANARY} notes"}


def _own_case(world: World, owner: str, org: str = ORG_A, proceeding: bool = False) -> str:
    """A fresh case of ``org`` owned by ``owner`` (the shared fixture cases stay untouched)."""
    case = new_case(org)
    if proceeding:
        case.proceedings = [LegalProceeding(perpetrator_ref="P1", status="reported")]
    world.store.cases.add(case)
    with transaction(world.store.engine) as session:
        acc.grant_case(session, case.id, world.users[owner].id, "owner")
    return case.id


def _url(case_id: str, tail: str = "") -> str:
    return f"/api/v1/casework/cases/{case_id}/perpetrators{tail}"


def test_add_list_edit_without_returning_personal_data(world: World):
    sqlite_world = world  # and on PostgreSQL
    case_id = _own_case(sqlite_world, "worker_a", proceeding=True)
    client, csrf = sqlite_world.login("worker_a")
    h = {"X-CSRF-Token": csrf}
    made = client.post(_url(case_id), headers=h, json={
        "sex": "male", "birth_year": 1979, "citizenship": ["POL"], "roles": ["recruiter_or_intermediary"],
        "label": "P1", "personal": PERSONAL})
    assert made.status_code == 201, made.text
    pid, version = made.json()["id"], made.json()["version"]
    listed = client.get(_url(case_id))
    assert listed.status_code == 200 and CANARY not in listed.text
    person = listed.json()["perpetrators"][0]
    assert person == {"id": pid, "label": "P1", "roles": ["recruiter_or_intermediary"], "sex": "male",
                      "birth_year": 1979, "citizenship": ["POL"], "personal_recorded": True, "proceedings": []}
    edited = client.put(_url(case_id, f"/{pid}"), headers=h, json={
        "sex": "male", "birth_year": 1979, "citizenship": ["POL", "DEU"], "roles": ["exploiter", "abuser"],
        "version": version})
    assert edited.status_code == 200, edited.text
    stale = client.put(_url(case_id, f"/{pid}"), headers=h, json={"sex": "male", "version": version})
    assert stale.status_code == 409
    stored = sqlite_world.store.cases.get(case_id).perpetrators[0]
    assert stored.roles == ["exploiter", "abuser"] and stored.perpetrator.citizenship == ["POL", "DEU"]
    assert stored.perpetrator.personal.last_name == f"{CANARY}plast"  # kept when ``personal`` is omitted
    proceeding = sqlite_world.store.cases.get(case_id).proceedings[0].id
    linked = client.post(f"/api/v1/casework/cases/{case_id}/proceedings/{proceeding}/perpetrator", headers=h,
                         json={"perpetrator_id": pid})
    assert linked.status_code == 200, linked.text
    assert client.get(_url(case_id)).json()["perpetrators"][0]["proceedings"] == [
        {"id": proceeding, "status": "reported"}]
    with sqlite_world.store.engine.connect() as conn:
        trail = conn.execute(select(audit_events).where(audit_events.c.resource_id == case_id)).mappings().all()
    assert {r["action"] for r in trail} >= {"perpetrator.edit", "perpetrator.view"}
    assert CANARY not in json.dumps([dict(r) for r in trail], default=str)


def test_refused_input_names_the_field(sqlite_world: World):
    case_id = _own_case(sqlite_world, "worker_a")
    client, csrf = sqlite_world.login("worker_a")
    bad = client.post(_url(case_id), headers={"X-CSRF-Token": csrf}, json={"roles": ["boss"]})
    assert bad.status_code == 409 and "roles" in bad.text
    ghost = client.post(f"/api/v1/casework/cases/{case_id}/proceedings/0a000000-0000-4000-8000-000000000009/"
                        "perpetrator", headers={"X-CSRF-Token": csrf}, json={"perpetrator_id": None})
    assert ghost.status_code == 404
    assert sqlite_world.store.cases.get(case_id).perpetrators == []


def test_a_network_member_is_added_to_another_case_of_the_organisation_only(sqlite_world: World):
    first, second = _own_case(sqlite_world, "worker_a"), _own_case(sqlite_world, "worker_a")
    client, csrf = sqlite_world.login("worker_a")
    h = {"X-CSRF-Token": csrf}
    pid = client.post(_url(first), headers=h, json={"sex": "female", "roles": ["recruiter_or_intermediary"],
                                                     "personal": PERSONAL}).json()["id"]
    again = client.post(_url(second), headers=h, json={"perpetrator_id": pid, "roles": ["exploiter"]})
    assert again.status_code == 201, again.text
    assert sqlite_world.store.cases.get(second).perpetrators[0].perpetrator.personal.last_name == f"{CANARY}plast"
    other = _own_case(sqlite_world, "worker_b", org=ORG_B)
    client_b, csrf_b = sqlite_world.login("worker_b")
    stolen = client_b.post(_url(other), headers={"X-CSRF-Token": csrf_b}, json={"perpetrator_id": pid})
    assert stolen.status_code == 404  # another organisation's perpetrator is not found


@pytest.mark.parametrize(("user", "relation", "view", "edit"), [
    ("worker_a", "own", 200, 201), ("supervisor_a", "org", 200, 201), ("worker2_a", "team", 200, 403),
    ("lone_worker_a", "org", 404, 404), ("analyst_a", "own", 403, 403), ("screener_a", "screened", 403, 403),
    ("worker_a", "referred", 403, 403), ("worker_b", "own", 404, 404)])
def test_policy(sqlite_world: World, user: str, relation: str, view: int, edit: int):
    case_id = sqlite_world.cases[relation] if relation in ("referred", "screened") else _own_case(
        sqlite_world, "worker_a")
    client, csrf = sqlite_world.login(user)
    assert client.get(_url(case_id)).status_code == view
    assert client.post(_url(case_id), headers={"X-CSRF-Token": csrf}, json={"sex": "male"}).status_code == edit


def test_page_forms_without_javascript(sqlite_world: World):
    case_id = _own_case(sqlite_world, "worker_a", proceeding=True)
    client, csrf = page_login(sqlite_world, "worker_a")
    page = client.get(f"/casework/cases/{case_id}/perpetrators")
    assert page.status_code == 200
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    added = client.post(f"/casework/cases/{case_id}/perpetrators", data={
        "csrf_token": csrf, "version": version, "sex": "female", "citizenship": "tur", "label": "P2",
        "roles": ["exploiter", "controlled_individual"], "last_name": f"{CANARY}formlast",
        "aliases": f"{CANARY}a, {CANARY}b"})
    assert added.status_code == 303, added.text
    stored = sqlite_world.store.cases.get(case_id).perpetrators[0]
    assert stored.perpetrator.citizenship == ["TUR"] and stored.perpetrator.personal.aliases == [
        f"{CANARY}a", f"{CANARY}b"]
    page = client.get(f"/casework/cases/{case_id}/perpetrators")
    assert "Exploiter" in page.text and "P2" in page.text and CANARY not in page.text
    case_page = client.get(f"/casework/cases/{case_id}")
    assert f"/casework/cases/{case_id}/perpetrators" in case_page.text and CANARY not in case_page.text
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    proceeding = sqlite_world.store.cases.get(case_id).proceedings[0].id
    linked = client.post(f"/casework/cases/{case_id}/proceedings/{proceeding}/perpetrator",
                         data={"csrf_token": csrf, "version": version, "perpetrator_id": stored.perpetrator.id})
    assert linked.status_code == 303
    assert sqlite_world.store.cases.get(case_id).proceedings[0].perpetrator_id == stored.perpetrator.id
    version = sqlite_world.store.cases.version(case_id)
    edited = client.post(f"/casework/cases/{case_id}/perpetrators/{stored.perpetrator.id}", data={
        "csrf_token": csrf, "version": version, "sex": "male", "citizenship": "TUR GRC", "label": "P2",
        "roles": ["transporter"]})
    assert edited.status_code == 303, edited.text
    again = sqlite_world.store.cases.get(case_id).perpetrators[0]
    assert (again.perpetrator.sex, again.perpetrator.citizenship, again.roles) == ("male", ["TUR", "GRC"],
                                                                                   ["transporter"])
    assert again.perpetrator.personal.aliases == [f"{CANARY}a", f"{CANARY}b"]  # empty name fields keep what is kept
    assert client.post(f"/casework/cases/{case_id}/perpetrators", data={"version": version}).status_code == 403
