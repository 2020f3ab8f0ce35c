"""Case facts for the policy, and the SQL form of a :class:`ScopeFilter` for list views.

Both read the same things (the case's organisation, ``case_access`` owners/assignees and their teams, open
referrals), so a row appears in a list exactly when ``allowed(actor, "case.view", facts)`` would admit it; a test
checks the two agree.
"""

from __future__ import annotations

from functools import lru_cache

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


def _access(relation: str | None, user_id=None, team_id=None) -> ColumnElement:
    conditions = [case_access.c.case_id == t.cases.c.id]
    if relation:
        conditions.append(case_access.c.relation == relation)
    if user_id is not None:
        conditions.append(case_access.c.user_id == user_id)
    if team_id is not None:
        conditions.append(users.c.team_id == team_id)
        return exists(select(1).select_from(case_access.join(users, users.c.id == case_access.c.user_id))
                      .where(*conditions))
    return exists(select(1).select_from(case_access).where(*conditions))


def _clause(relations: frozenset[str], user_id, organisation_id, team_id) -> ColumnElement:
    """The scope's WHERE clause; the ids are values or bind parameters (``team_id`` None: the actor has no team)."""
    parts: list[ColumnElement] = []
    if "own" in relations:
        parts.append(_access("owner", user_id=user_id))
    if "assigned" in relations:
        parts.append(_access("assigned", user_id=user_id))
    if "referred" in relations:
        parts.append(exists(select(1).select_from(t.referrals).where(
            t.referrals.c.case_id == t.cases.c.id, t.referrals.c.to_organisation_id == organisation_id,
            t.referrals.c.status.in_(OPEN_REFERRAL))))
    if "team" in relations and team_id is not None:
        parts.append(and_(t.cases.c.organisation_id == organisation_id, _access(None, team_id=team_id)))
    if "org" in relations:
        parts.append(t.cases.c.organisation_id == organisation_id)
    return or_(*parts) if parts else false()


def scope_clause(scope: ScopeFilter | None) -> ColumnElement:
    """A WHERE clause on ``cases`` admitting exactly the rows the scope allows (FALSE for None)."""
    if scope is None or not scope.relations:
        return false()
    actor = scope.actor
    return _clause(scope.relations, actor.user_id, actor.organisation_id, actor.team_id)


def scope_shape(scope: ScopeFilter | None) -> tuple[frozenset[str], bool]:
    """What the form of a scope's clause depends on: the relations, and whether the actor has a team."""
    if scope is None:
        return frozenset(), False
    return scope.relations, scope.actor.team_id is not None


@lru_cache(maxsize=64)
def bound_scope_clause(relations: frozenset[str], has_team: bool) -> ColumnElement:
    """:func:`scope_clause` with bind parameters ``scope_user``, ``scope_org``, ``scope_team`` (see
    :func:`scope_params`): one clause per shape, so a statement built on it once can be run for every actor."""
    return _clause(relations, bindparam("scope_user"), bindparam("scope_org"),
                   bindparam("scope_team") if has_team else None)


def scope_params(scope: ScopeFilter | None) -> dict[str, str | None]:
    """The values for :func:`bound_scope_clause`'s parameters."""
    actor = scope.actor if scope else None
    return {"scope_user": actor.user_id if actor else None, "scope_org": actor.organisation_id if actor else None,
            "scope_team": actor.team_id if actor else None}
