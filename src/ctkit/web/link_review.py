"""Link review services shared by the pages and the JSON API: list pairs, view one, accept or reject it.

Who may review: a pair joins two case records, so the policy is asked about *both* cases, with the link action
(``link.review`` to see a pair, ``link.decide`` to decide it); the pair is visible only when both answers are
yes (deny by default). Lists use the same rule as a query filter on both cases. A pair outside the actor's scope
answers "not found" like an unknown id (a guessed URL confirms nothing) and the denial is audited.

Every list, view and decision is audited with ids and codes only (``link.list``, ``link.view``, ``link.accept``,
``link.reject``); a decision and its audit event commit together. Nothing here decrypts personal data: a
reviewer who needs the names opens a case and uses its own reveal flow, which asks for a reason and audits it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from ctkit.errors import NotFoundError, ValidationError
from ctkit.share.link.review import LINK_REASONS
from ctkit.share.link.review_store import PairRecord, decide_pair, get_pair, list_pairs
from ctkit.store import tables as t
from ctkit.store.audit import AuditEvent, access_to, append
from ctkit.web.case_scope import case_facts, scope_clause
from ctkit.web.guard import Ctx, audit_denial
from ctkit.web.policy import allowed, matrix, scope_filter

REVIEW, DECIDE = "link.review", "link.decide"
STATUSES = ("pending", "model", "accepted", "rejected")
PAGE = 25
NOT_FOUND = "no such link pair in your scope"
DECISIONS = ("link.accept", "link.reject")


@dataclass(frozen=True)
class Side:
    """One record of a pair as the reviewer sees it: ids and codes, no personal data."""

    case_id: str
    organisation: str | None
    registered_year: int
    agencies: list[str]


@dataclass(frozen=True)
class PairView:
    pair: PairRecord
    left: Side
    right: Side
    history: list[dict]  # the pair's audit events, newest first: decisions only, or all for audit.view roles
    can_decide: bool  # no person decided it yet, and the policy allows link.decide on both cases


def _audit(conn: Connection, ctx: Ctx, action: str, reason: str, pair_id: str | None, **details) -> None:
    append(conn, AuditEvent(action=action, outcome="allowed", reason=reason, actor_id=ctx.actor.user_id,
                            organisation_id=ctx.actor.organisation_id, resource_type="link_pair",
                            resource_id=pair_id, details=details))


def _authorize(ctx: Ctx, conn: Connection, action: str, pair_id: str) -> tuple[PairRecord, str]:
    """The pair and the policy's reasons for both cases; NotFoundError (denial audited) when either is refused."""
    try:
        pair = get_pair(conn, pair_id)
    except NotFoundError:
        raise NotFoundError(NOT_FOUND) from None
    reasons = []
    for case_id in (pair.case_id_l, pair.case_id_r):
        decision = allowed(ctx.actor, action, case_facts(conn, case_id))
        if not decision.allowed:
            audit_denial(ctx.state, ctx.actor, action, "link_pair", pair.id, decision.reason)
            raise NotFoundError(NOT_FOUND, hint="you may review a link only when you may see both cases")
        reasons.append(decision.reason)
    return pair, ":".join(reasons)


def list_page(ctx: Ctx, status: str = "pending", offset: int = 0) -> tuple[list[PairRecord], int]:
    """Pairs of ``status`` whose two cases the actor may both see, most uncertain first; the page and the total."""
    if status not in STATUSES:
        raise ValidationError(f"status: one of {', '.join(STATUSES)}")
    visible = scope_clause(scope_filter(ctx.actor, REVIEW))
    with ctx.state.store.engine.begin() as conn:
        pairs, total = list_pairs(conn, status=status, case_filter=visible, limit=PAGE, offset=offset)
        _audit(conn, ctx, "link.list", "scope_filter", None, status=status, rows=len(pairs))
    return pairs, total


def _side(conn: Connection, case_id: str) -> Side:
    c, o = t.cases.c, t.organisations.c
    row = conn.execute(select(o.name, c.registered_on).select_from(t.cases)
                       .outerjoin(t.organisations, o.id == c.organisation_id).where(c.id == case_id)).one()
    agencies = conn.execute(select(t.case_recorded_by.c.agency).where(t.case_recorded_by.c.case_id == case_id)
                            .order_by(t.case_recorded_by.c.position)).scalars().all()
    return Side(case_id, row.name, row.registered_on.year, list(agencies))


def view_pair(ctx: Ctx, pair_id: str) -> PairView:
    """One pair with its evidence and the two records' non-personal facts; the view is audited."""
    with ctx.state.store.engine.begin() as conn:
        pair, reason = _authorize(ctx, conn, REVIEW, pair_id)
        _audit(conn, ctx, "link.view", reason, pair.id, case_l=pair.case_id_l, case_r=pair.case_id_r)
        everything = bool(matrix().scopes(ctx.actor.role, "audit.view"))
        history = [e for e in access_to(conn, pair.id) if everything or e["action"] in DECISIONS]
        can_decide = pair.decided_by is None and all(
            allowed(ctx.actor, DECIDE, case_facts(conn, c)).allowed for c in (pair.case_id_l, pair.case_id_r))
        view = PairView(pair, _side(conn, pair.case_id_l), _side(conn, pair.case_id_r), history, can_decide)
    return view


def decide(ctx: Ctx, pair_id: str, *, accepted: bool, reason: str, version: int | None) -> PairRecord:
    """Accept or reject a pair with a reason code; the decision and its audit event commit together.

    Raises NotFoundError (out of scope or unknown), ValidationError (reason code) or ConflictError (someone
    decided first, or the pair changed since ``version``); nothing is written then.
    """
    if reason not in LINK_REASONS:
        raise ValidationError(f"reason: one of {', '.join(LINK_REASONS)}")
    with ctx.state.store.engine.connect() as conn:
        _, scope = _authorize(ctx, conn, DECIDE, pair_id)
    with ctx.state.store.engine.begin() as conn:
        pair = decide_pair(conn, pair_id, accepted=accepted, reviewer=ctx.actor.user_id, reason=reason,
                           expected_version=version)
        _audit(conn, ctx, "link.accept" if accepted else "link.reject", reason, pair.id, scope=scope,
               case_l=pair.case_id_l, case_r=pair.case_id_r, run=pair.run_id)
    return pair
