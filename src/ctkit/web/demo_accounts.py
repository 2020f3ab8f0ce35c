"""Demo accounts: one per role in the demo NGO, plus a case worker of another organisation.

Passwords are drawn fresh at every ``ctkit serve --demo`` start and printed once on the console; they are never
stored in clear. Demo accounts are flagged ``is_demo`` so that a production start refuses to run with them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from ctkit.store import accounts as acc
from ctkit.store import tables as t
from ctkit.store import totp
from ctkit.store.datastore import Store
from ctkit.store.db import transaction

DEMO_ROLES = ("screener", "case_worker", "supervisor", "analyst", "trainer", "administrator")
DEMO_CASES_PER_WORKER = 20


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    organisation: str
    password: str
    totp_secret: str


def _org_ids(session) -> list[str]:
    """Organisations ordered by how many cases they hold (the busiest first)."""
    from sqlalchemy import func

    count = func.count(t.cases.c.id)
    rows = session.execute(select(t.cases.c.organisation_id, count).where(t.cases.c.organisation_id.is_not(None))
                           .group_by(t.cases.c.organisation_id).order_by(count.desc())).all()
    return [r[0] for r in rows]


def _ensure(session, cipher, org_id: str, team_id: str | None, username: str, role: str) -> DemoAccount:
    password = secrets.token_urlsafe(12)
    user = acc.find_user(session, username)
    if user is None:
        user, secret = acc.create_user(session, organisation_id=org_id, username=username, role=role,
                                       password=password, cipher=cipher, team_id=team_id, is_demo=True)
    else:
        acc.set_password(session, user.id, password)
        secret = totp.read_secret(session, user.id, cipher)  # sealed at rest: opened only to print it
    return DemoAccount(username, role, org_id, password, secret)


def _grant_cases(session, org_id: str, user_id: str, offset: int) -> None:
    ids = session.execute(select(t.cases.c.id).where(t.cases.c.organisation_id == org_id).order_by(t.cases.c.id)
                          .offset(offset).limit(2 * DEMO_CASES_PER_WORKER)).scalars().all()
    have = set(session.execute(select(acc.case_access.c.case_id).where(acc.case_access.c.user_id == user_id))
               .scalars())
    for i, case_id in enumerate(ids):
        if case_id not in have:
            acc.grant_case(session, case_id, user_id, "owner" if i < DEMO_CASES_PER_WORKER else "assigned")


def ensure_demo_accounts(store: Store) -> list[DemoAccount]:
    """Create (or re-key) the demo accounts and give the case workers cases; returns them with passwords.

    Needs at least one organisation with cases (run the demo data loader first).
    """
    with transaction(store.engine) as session:
        orgs = _org_ids(session)
        if not orgs:
            return []
        main = orgs[0]
        team = session.execute(select(acc.teams.c.id).where(acc.teams.c.organisation_id == main)).scalar()
        team = team or acc.create_team(session, main, "Demo team")
        accounts = [_ensure(session, store.cipher, main, team, f"demo_{role}", role) for role in DEMO_ROLES]
        if len(orgs) > 1:
            accounts.append(_ensure(session, store.cipher, orgs[1], None, "demo_other_case_worker", "case_worker"))
            _grant_cases(session, orgs[1], acc.find_user(session, "demo_other_case_worker").id, 0)
        _grant_cases(session, main, acc.find_user(session, "demo_case_worker").id, 0)
    return accounts


def has_demo_accounts(store: Store) -> bool:
    with store.engine.connect() as conn:
        return conn.execute(select(acc.users.c.id).where(acc.users.c.is_demo.is_(True)).limit(1)).first() is not None
