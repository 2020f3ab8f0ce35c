"""Case facts for the policy, and the SQL form of a :class:`ScopeFilter` for list views.

Both read the same things (the case's organisation, ``case_access`` owners/assignees and their teams, open
referrals), so a row appears in a list exactly when ``allowed(actor, "case.view", facts)`` would admit it; a test
checks the two agree.
"""

from __future__ import annotations

from sqlalchemy import Connection, String, and_, bindparam, exists, false, literal, null, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from ctkit.errors import NotFoundError
from ctkit.store import tables as t
from ctkit.store.accounts import case_access, users
from ctkit.web.policy import CaseFacts, ScopeFilter

# Only an accepted referral opens the case to the receiving side: it sees nothing before it accepts.
OPEN_REFERRAL = ("accepted",)


# One round trip for every fact of a case: (kind, id, team) rows from the case, its access grants and its open
# referrals. Built once; the case id is bound per call.
_CASE_ID = bindparam("case_id")
_FACTS = union_all(
    select(literal("org", String).label("kind"), t.cases.c.organisation_id.label("ref"),
           null().cast(String).label("team")).where(t.cases.c.id == _CASE_ID),
    select(case_access.c.relation, case_access.c.user_id, users.c.team_id)
    .join(users, users.c.id == case_access.c.user_id).where(case_access.c.case_id == _CASE_ID),
    select(literal("referred", String), t.referrals.c.to_organisation_id, null().cast(String))
    .where(t.referrals.c.case_id == _CASE_ID, t.referrals.c.status.in_(OPEN_REFERRAL)),
)


def case_facts(conn: Connection, case_id: str) -> CaseFacts:
    """The policy facts of one case (one query). Raises NotFoundError when there is no such case."""
    rows = conn.execute(_FACTS, {"case_id": case_id}).all()
    orgs = [r.ref for r in rows if r.kind == "org"]
    if not orgs:
        raise NotFoundError("case not found")
    return CaseFacts(
        case_id=case_id,
        organisation_id=orgs[0],
        owners=frozenset(r.ref for r in rows if r.kind == "owner"),
        assignees=frozenset(r.ref for r in rows if r.kind == "assigned"),
        teams=frozenset(r.team for r in rows if r.kind in ("owner", "assigned") and r.team),
        referred_to=frozenset(r.ref for r in rows if r.kind == "referred"),
    )


def _access(relation: str | None, user_id: str | None = None, team_id: str | None = None) -> ColumnElement:
    conditions = [case_access.c.case_id == t.cases.c.id]
    if relation:
        conditions.append(case_access.c.relation == relation)
    if user_id:
        conditions.append(case_access.c.user_id == user_id)
    if team_id:
        conditions.append(users.c.team_id == team_id)
        return exists(select(1).select_from(case_access.join(users, users.c.id == case_access.c.user_id))
                      .where(*conditions))
    return exists(select(1).select_from(case_access).where(*conditions))


def scope_clause(scope: ScopeFilter | None) -> ColumnElement:
    """A WHERE clause on ``cases`` admitting exactly the rows the scope allows (FALSE for None)."""
    if scope is None or not scope.relations:
        return false()
    actor = scope.actor
    parts: list[ColumnElement] = []
    if "own" in scope.relations:
        parts.append(_access("owner", user_id=actor.user_id))
    if "assigned" in scope.relations:
        parts.append(_access("assigned", user_id=actor.user_id))
    if "referred" in scope.relations:
        parts.append(exists(select(1).select_from(t.referrals).where(
            t.referrals.c.case_id == t.cases.c.id, t.referrals.c.to_organisation_id == actor.organisation_id,
            t.referrals.c.status.in_(OPEN_REFERRAL))))
    if "team" in scope.relations and actor.team_id:
        parts.append(and_(t.cases.c.organisation_id == actor.organisation_id,
                          _access(None, team_id=actor.team_id)))
    if "org" in scope.relations:
        parts.append(t.cases.c.organisation_id == actor.organisation_id)
    return or_(*parts) if parts else false()
