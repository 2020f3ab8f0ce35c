"""The one authorization policy: ``allowed(actor, action, resource)`` and ``scope_filter`` for list views.

Deny by default: an action is allowed only when ``matrix.yaml`` lists, for the actor's role and the action, a
relation that holds between the actor and the resource. Every decision carries a reason code (never personal
data) that goes to the audit trail.

>>> actor = Actor("u1", "org1", None, "case_worker", mfa_ok=True)
>>> allowed(actor, "case.view", CaseFacts("c1", "org1", owners=frozenset({"u1"}))).allowed
True
>>> allowed(actor, "case.view", CaseFacts("c2", "org2")).reason
'out_of_scope'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user with their organisation, team, role and whether TOTP was passed."""

    user_id: str
    organisation_id: str
    team_id: str | None
    role: str
    mfa_ok: bool


@dataclass(frozen=True)
class Decision:
    """An authorization decision and its reason code (e.g. ``scope_assigned``, ``out_of_scope``)."""

    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True)
class Matrix:
    relations: tuple[str, ...]
    mfa_roles: frozenset[str]
    personal_actions: frozenset[str]
    actions: dict[str, str]
    roles: dict[str, dict[str, frozenset[str]]]
    routes: dict[str, str]

    def scopes(self, role: str, action: str) -> frozenset[str]:
        """The relations under which ``role`` may do ``action`` (empty: never)."""
        return self.roles.get(role, {}).get(action, frozenset())


@cache
def matrix() -> Matrix:
    """The authorization matrix loaded from the packaged ``matrix.yaml``."""
    raw = yaml.safe_load(resources.files("ctkit.web").joinpath("matrix.yaml").read_text(encoding="utf-8"))
    return Matrix(
        relations=tuple(raw["relations"]),
        mfa_roles=frozenset(raw["mfa_roles"]),
        personal_actions=frozenset(raw["personal_actions"]),
        actions=dict(raw["actions"]),
        roles={role: {a: frozenset(rels) for a, rels in acts.items()} for role, acts in raw["roles"].items()},
        routes=dict(raw["routes"]),
    )


class Resource:
    """Anything the policy decides about: it says which relations hold between it and an actor."""

    resource_type = "none"
    resource_id: str | None = None

    def relations(self, actor: Actor) -> frozenset[str]:  # pragma: no cover - overridden
        return frozenset()


@dataclass(frozen=True)
class OwnAccount(Resource):
    """The actor's own session or account: relation ``own`` only."""

    resource_type = "session"
    resource_id: str | None = None

    def relations(self, actor: Actor) -> frozenset[str]:
        return frozenset({"own"})


@dataclass(frozen=True)
class OrgResource(Resource):
    """Something that belongs to an organisation as a whole (its users, its audit trail, its snapshot)."""

    organisation_id: str
    resource_type: str = "organisation"

    @property
    def resource_id(self) -> str:  # type: ignore[override]
        return self.organisation_id

    def relations(self, actor: Actor) -> frozenset[str]:
        return frozenset({"org"}) if actor.organisation_id == self.organisation_id else frozenset()


@dataclass(frozen=True)
class CaseFacts(Resource):
    """What the policy needs to know about one case (loaded by the case service, never personal data)."""

    case_id: str
    organisation_id: str | None
    owners: frozenset[str] = frozenset()
    assignees: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()  # teams of the owners and assignees
    referred_to: frozenset[str] = frozenset()  # organisations with an open (sent/accepted) referral
    resource_type: str = field(default="case")

    @property
    def resource_id(self) -> str:  # type: ignore[override]
        return self.case_id

    def relations(self, actor: Actor) -> frozenset[str]:
        found = set()
        if actor.user_id in self.owners:
            found.add("own")
        if actor.user_id in self.assignees:
            found.add("assigned")
        if actor.organisation_id in self.referred_to:
            found.add("referred")
        if actor.team_id and actor.team_id in self.teams and self.organisation_id == actor.organisation_id:
            found.add("team")
        if self.organisation_id is not None and self.organisation_id == actor.organisation_id:
            found.add("org")
        return frozenset(found)


def allowed(actor: Actor | None, action: str, resource: Resource) -> Decision:
    """Decide whether ``actor`` may do ``action`` on ``resource``; deny by default, always with a reason.

    Reasons: ``not_authenticated``, ``unknown_action``, ``role_lacks_action``, ``second_factor_missing``,
    ``out_of_scope`` (denials) or ``scope_<relation>`` (the first matching relation, in matrix order).
    """
    m = matrix()
    if actor is None:
        return Decision(False, "not_authenticated")
    if action not in m.actions:
        return Decision(False, "unknown_action")
    scopes = m.scopes(actor.role, action)
    if not scopes:
        return Decision(False, "role_lacks_action")
    if actor.role in m.mfa_roles and not actor.mfa_ok:
        return Decision(False, "second_factor_missing")
    held = resource.relations(actor) & scopes
    for relation in m.relations:
        if relation in held:
            return Decision(True, f"scope_{relation}")
    return Decision(False, "out_of_scope")


@dataclass(frozen=True)
class ScopeFilter:
    """The relations under which list rows are visible to an actor; the store turns it into a WHERE clause.

    ``relations`` empty means nothing is visible (the clause is FALSE).
    """

    actor: Actor
    relations: frozenset[str]


def scope_filter(actor: Actor | None, action: str) -> ScopeFilter | None:
    """The list-view companion of :func:`allowed`: None when the actor may see no row at all."""
    m = matrix()
    if actor is None or action not in m.actions:
        return None
    scopes = m.scopes(actor.role, action)
    if not scopes or (actor.role in m.mfa_roles and not actor.mfa_ok):
        return None
    return ScopeFilter(actor, scopes)


def requires_mfa(role: str) -> bool:
    return role in matrix().mfa_roles
