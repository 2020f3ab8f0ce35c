"""The web side of casework: the policy-backed :class:`PolicyAuthorizer`, the :class:`ReferralFacts` resource, and
the helpers the casework pages and API share (open a case, assign a worker, the case file read model).

Not a route module itself; ``routes_casework`` (pages) and ``routes_casework_api`` (JSON) import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, select

from ctkit.errors import NotFoundError, PermissionDenied, ValidationError
from ctkit.model import Case, LifecycleEvent, Person, PersonalData
from ctkit.record import Casework, Target, referrals, support, views
from ctkit.store import accounts as acc
from ctkit.store import tables as t
from ctkit.store.audit import AuditEvent, append, append_now
from ctkit.store.bulk import BulkWriter
from ctkit.web.case_scope import case_facts, scope_clause
from ctkit.web.guard import Ctx
from ctkit.web.policy import Actor, Resource, allowed, scope_filter


@dataclass(frozen=True)
class ReferralFacts(Resource):
    """A referral as the policy sees it: relation ``referred`` for the receiving organisation only."""

    case_id: str
    to_organisation_id: str
    resource_type: str = field(default="referral")

    @property
    def resource_id(self) -> str:  # type: ignore[override]
        return self.case_id

    def relations(self, actor: Actor) -> frozenset[str]:
        return frozenset({"referred"}) if actor.organisation_id == self.to_organisation_id else frozenset()


@dataclass(frozen=True)
class PolicyAuthorizer:
    """:class:`ctkit.record.Authorizer` over ``policy.allowed``; denials are audited. A case the actor may not
    even view answers NotFoundError, so a guessed id reveals nothing."""

    actor: Actor
    engine: Engine

    @property
    def actor_id(self) -> str:
        return self.actor.user_id

    @property
    def organisation_id(self) -> str:
        return self.actor.organisation_id

    def authorize(self, action: str, target: Target) -> str:
        if target.referral_to is not None:
            resource: Resource = ReferralFacts(target.case_id, target.referral_to)
        else:
            with self.engine.connect() as conn:
                resource = case_facts(conn, target.case_id)
        decision = allowed(self.actor, action, resource)
        if decision.allowed:
            return decision.reason
        append_now(self.engine, AuditEvent(
            action=action, outcome="denied", reason=decision.reason, actor_id=self.actor.user_id,
            organisation_id=self.actor.organisation_id, resource_type=resource.resource_type,
            resource_id=target.case_id))
        if target.referral_to is None and not allowed(self.actor, "case.view", resource).allowed:
            raise NotFoundError("case not found")
        raise PermissionDenied("you are not allowed to do this", hint=f"reason: {decision.reason}")


def casework(ctx: Ctx) -> Casework:
    return Casework.from_store(ctx.state.store, ctx.state.settings)


def who(ctx: Ctx) -> PolicyAuthorizer:
    return PolicyAuthorizer(ctx.actor, ctx.state.store.engine)


def open_case(ctx: Ctx, *, registered_on: date, sex: str, age_years: int | None, citizenship: list[str],
              language: str | None, first_name: str | None, refer: bool) -> str:
    """A screener's new case in their organisation, owned by them; ``refer`` (the screening said refer) makes the
    person a possible victim. Case, ownership and audit are written in one transaction."""
    if registered_on > date.today():
        raise ValidationError("registered_on: is in the future")
    person = Person(sex=sex, age_years=age_years, age_reference_date=registered_on if age_years else None,
                    citizenship=citizenship, primary_language=language,
                    personal=PersonalData(first_name=first_name))
    stages = [LifecycleEvent(stage="screened", on=registered_on)]
    if refer:
        stages.append(LifecycleEvent(stage="possible_victim", on=registered_on))
    case = Case(organisation_id=ctx.actor.organisation_id, registered_on=registered_on, person=person,
                identification_status="possible_victim" if refer else "screened", lifecycle=stages)
    with ctx.state.store.engine.begin() as conn:
        writer = BulkWriter(conn, ctx.state.store.cipher)
        writer.add(case)
        writer.finish()
        conn.execute(acc.case_access.insert().values(case_id=case.id, user_id=ctx.actor.user_id, relation="owner"))
        append(conn, AuditEvent(action="case.create", outcome="allowed", reason="scope_org",
                                actor_id=ctx.actor.user_id, organisation_id=ctx.actor.organisation_id,
                                resource_type="case", resource_id=case.id, details={"refer": refer}))
    return case.id


def assign(ctx: Ctx, case_id: str, user_id: str) -> None:
    """Assign a case worker of the case's organisation to the case (a supervisor's decision, audited)."""
    scope = who(ctx).authorize("case.decide", Target(case_id))
    with ctx.state.store.engine.begin() as conn:
        row = conn.execute(select(acc.users.c.organisation_id, acc.users.c.role)
                           .where(acc.users.c.id == user_id)).first()
        org = conn.execute(select(t.cases.c.organisation_id).where(t.cases.c.id == case_id)).scalar()
        if row is None or row.organisation_id != org or row.role != "case_worker":
            raise ValidationError("user_id: must be a case worker of the case's organisation")
        exists = conn.execute(select(acc.case_access.c.user_id).where(
            acc.case_access.c.case_id == case_id, acc.case_access.c.user_id == user_id,
            acc.case_access.c.relation == "assigned")).first()
        if not exists:
            conn.execute(acc.case_access.insert().values(case_id=case_id, user_id=user_id, relation="assigned"))
        append(conn, AuditEvent(action="case.assign", outcome="allowed", reason=scope, actor_id=ctx.actor.user_id,
                                organisation_id=ctx.actor.organisation_id, resource_type="case",
                                resource_id=case_id, details={"user": user_id}))


def case_file(ctx: Ctx, case_id: str) -> dict:
    """The case file without personal data: statuses, route, exploitation, means, screenings, decisions,
    referrals, assistance, proceedings, consents, deadlines and timeline (``case.view``, audited)."""
    scope = who(ctx).authorize("case.view", Target(case_id))
    store = ctx.state.store
    case = store.cases.get(case_id)
    with store.engine.begin() as conn:
        out = {
            "case": case, "version": store.cases.version(case_id),
            "referrals": referrals.of_case(conn, case_id), "services": support.services_of(conn, case_id),
            "plans": support.plans_of(conn, case_id), "risks": support.risks_of(conn, case_id),
            "deadlines": views.deadlines(conn, case_id=case_id, today=date.today()),
            "timeline": views.timeline(conn, case_id),
        }
        append(conn, AuditEvent(action="case.view", outcome="allowed", reason=scope, actor_id=ctx.actor.user_id,
                                organisation_id=ctx.actor.organisation_id, resource_type="case",
                                resource_id=case_id, details={"view": "case_file"}))
    return out


def visible_case_ids(ctx: Ctx, limit: int = 500) -> list[str]:
    """Ids of the cases the actor may list (the policy's scope filter as SQL), newest first."""
    c = t.cases.c
    query = (select(c.id).where(scope_clause(scope_filter(ctx.actor, "case.list")))
             .order_by(c.registered_on.desc(), c.id).limit(limit))
    with ctx.state.store.engine.connect() as conn:
        return list(conn.execute(query).scalars())


def audit_list(ctx: Ctx, action: str, view: str, rows: int) -> None:
    """Audit a list view (which list, how many rows; no ids of the rows)."""
    append_now(ctx.state.store.engine, AuditEvent(
        action=action, outcome="allowed", reason="scope_filter", actor_id=ctx.actor.user_id,
        organisation_id=ctx.actor.organisation_id, resource_type="case", details={"view": view, "rows": rows}))
