"""Referrals and transfers between organisations.

A referral sends a chosen part of a case to another organisation for one service; a transfer also moves
responsibility for the case when accepted. Rules, checked before anything is written:

- the receiving organisation is in the service directory, offers the service and has free places;
- the person consents to sharing with that organisation, checked at every step (send, accept, packet read),
  so a withdrawal takes effect at once;
- only the personal fields the service needs may be shared (:data:`SERVICE_FIELDS`), and the receiving side
  sees nothing but the service, date and sender until it accepts (the case file's referral list, which gives the
  receiving organisation the ``referred`` relation, gets the referral only on acceptance);
- a return needs a risk assessment of the destination that is not ``high`` (see :mod:`ctkit.record.support`).

Statuses: sent -> accepted | rejected | revoked; accepted -> done | revoked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, select, update

from ctkit.errors import ConflictError, NotFoundError, ValidationError
from ctkit.model import Case, Referral
from ctkit.record import consent, directory
from ctkit.record.access import Authorizer, Target
from ctkit.record.lifecycle import check_date
from ctkit.record.unit import Casework, audit, load, new_id, save_case, writing
from ctkit.store.casework_tables import casework_deadlines, casework_referrals, casework_risk_assessments
from ctkit.vocab import code_list

# Personal fields a service may receive (data minimisation); sex, age, citizenship and language always go.
SERVICE_FIELDS: dict[str, tuple[str, ...]] = {
    "shelter": ("first_name", "last_name", "birth_date", "phone"),
    "medical": ("first_name", "last_name", "birth_date"),
    "psychological": ("first_name", "phone"),
    "legal_aid": ("first_name", "last_name", "birth_date", "address", "documents", "phone"),
    "interpretation": ("first_name",),
    "return_reintegration": ("first_name", "last_name", "birth_date", "address", "documents", "phone"),
    "employment": ("first_name", "last_name", "phone"),
}
RESPONSE_DAYS = 7  # a referral unanswered after this shows on the deadlines dashboard
NEXT = {"accept": ("sent",), "reject": ("sent",), "done": ("accepted",), "revoke": ("sent", "accepted")}


@dataclass(frozen=True)
class ReferralRow:
    id: str
    case_id: str
    kind: str
    from_organisation_id: str
    to_organisation_id: str
    service: str
    status: str
    sent_on: date
    shared_fields: tuple[str, ...]


def _row(r) -> ReferralRow:
    return ReferralRow(r.id, r.case_id, r.kind, r.from_organisation_id, r.to_organisation_id, r.service, r.status,
                       r.sent_on, tuple(r.shared_fields))


def get(conn: Connection, referral_id: str) -> ReferralRow:
    r = conn.execute(select(casework_referrals).where(casework_referrals.c.id == referral_id)).first()
    if r is None:
        raise NotFoundError("referral not found")
    return _row(r)


def _check_fields(service: str, fields: list[str]) -> tuple[str, ...]:
    allowed = SERVICE_FIELDS[service]
    extra = [f for f in fields if f not in allowed]
    if extra:
        raise ValidationError(f"shared_fields: {', '.join(sorted(set(extra)))} not needed for {service}; "
                              f"allowed: {', '.join(allowed)}")
    return tuple(dict.fromkeys(fields))


def _check_return(conn: Connection, case_id: str) -> None:
    latest = conn.execute(select(casework_risk_assessments.c.level).where(
        casework_risk_assessments.c.case_id == case_id).order_by(
        casework_risk_assessments.c.assessed_on.desc()).limit(1)).scalar()
    if latest is None:
        raise ConflictError("risk_assessment: a return needs a risk assessment first")
    if latest == "high":
        raise ConflictError("risk_assessment: the latest assessment rates the return as high risk")


def _check_provider(conn: Connection, case: Case, to_org: str, service: str) -> None:
    if to_org == case.organisation_id:
        raise ValidationError("to_organisation: must be another organisation")
    provider = directory.get(conn, to_org)
    if service not in provider.services:
        raise ValidationError(f"service: the organisation does not offer {service}")
    if provider.free == 0:
        raise ConflictError("to_organisation: no free places for this service")


def send(cw: Casework, who: Authorizer, case_id: str, *, to_organisation: str, service: str,
         shared_fields: list[str], on: date | None = None, kind: str = "referral") -> str:
    """Send a referral (or a transfer, ``kind="transfer"``); returns its id.

    Raises ValidationError (unknown service, field not needed, organisation not offering the service, bad date),
    ConflictError (no consent for sharing, no free places, return without a safe risk assessment),
    PermissionDenied / NotFoundError from the policy.
    """
    on = on or cw.today()
    if service not in code_list("service_type"):
        raise ValidationError(f"service: must be one of {', '.join(code_list('service_type'))}")
    if kind not in ("referral", "transfer"):
        raise ValidationError("kind: must be referral or transfer")
    fields = _check_fields(service, shared_fields)
    scope = who.authorize("case.refer", Target(case_id))
    case = cw.repo.get(case_id)
    check_date(cw, case, on, None, "referral")
    referral_id = new_id()
    with writing(cw.engine) as conn:
        _check_provider(conn, case, to_organisation, service)
        consent.require_sharing(case, to_organisation, cw.today())
        if service == "return_reintegration":
            _check_return(conn, case_id)
        conn.execute(casework_referrals.insert().values(
            id=referral_id, case_id=case_id, kind=kind, from_organisation_id=case.organisation_id or "",
            to_organisation_id=to_organisation, service=service, status="sent", sent_on=on,
            shared_fields=list(fields), sent_by=who.actor_id))
        conn.execute(casework_deadlines.insert().values(
            id=new_id(), case_id=case_id, kind="referral_response", starts_on=on,
            due_on=on + timedelta(days=RESPONSE_DAYS), status="open", extensions=0, ref_id=referral_id))
        audit(conn, who, "case.refer", case_id, scope, referral=referral_id, service=service, kind=kind,
              to=to_organisation, fields=len(fields))
    return referral_id


def _set_model_referral(case: Case, ref: ReferralRow, status: str, on: date) -> None:
    for item in case.referrals:
        if item.id == ref.id:
            item.status = status
            item.closed_on = on if status in ("done", "revoked", "rejected") else None
            return
    if status == "accepted":
        case.referrals.append(Referral(id=ref.id, to_organisation_id=ref.to_organisation_id, service=ref.service,
                                       status="accepted", sent_on=ref.sent_on))


def move(cw: Casework, who: Authorizer, referral_id: str, step: str, *, reason: str | None = None) -> str:
    """Accept, reject or mark done (receiving organisation) or revoke (sender) a referral; returns the status.

    Accepting checks the consent for sharing again and, for a transfer, moves the case to the receiving
    organisation. Raises ConflictError for a step not allowed from the referral's status.
    """
    if step not in NEXT:
        raise ValidationError(f"step: must be one of {', '.join(NEXT)}")
    with cw.engine.connect() as conn:
        ref = get(conn, referral_id)
    if step == "revoke":
        scope = who.authorize("case.refer", Target(ref.case_id))
    else:
        scope = who.authorize("referral.respond", Target(ref.case_id, referral_to=ref.to_organisation_id))
    if ref.status not in NEXT[step]:
        raise ConflictError(f"status: cannot {step} a referral that is {ref.status}")
    status = {"accept": "accepted", "reject": "rejected", "done": "done", "revoke": "revoked"}[step]
    on = cw.today()
    loaded = load(cw.repo, ref.case_id)
    if step == "accept":
        consent.require_sharing(loaded.case, ref.to_organisation_id, on)
        if ref.kind == "transfer":
            loaded.case.organisation_id = ref.to_organisation_id
    _set_model_referral(loaded.case, ref, status, on)
    with writing(cw.engine) as conn:
        changed = conn.execute(update(casework_referrals).where(
            casework_referrals.c.id == referral_id, casework_referrals.c.status == ref.status).values(
            status=status, reason=reason, responded_by=who.actor_id if step != "revoke" else None,
            responded_on=on if step in ("accept", "reject") else None,
            closed_on=on if status in ("done", "revoked", "rejected") else None))
        if changed.rowcount != 1:
            raise ConflictError("status: the referral was changed by someone else meanwhile")
        conn.execute(update(casework_deadlines).where(casework_deadlines.c.ref_id == referral_id,
                                                      casework_deadlines.c.status == "open").values(status="met"))
        version = save_case(conn, loaded)
        audit(conn, who, f"referral.{step}", ref.case_id, scope, referral=referral_id, version=version)
    return status


def packet(cw: Casework, who: Authorizer, referral_id: str) -> dict[str, object]:
    """What the receiving organisation may read: the shared fields only, after it accepted, while consent holds.

    Raises ConflictError before acceptance or after the consent was withdrawn.
    """
    with cw.engine.connect() as conn:
        ref = get(conn, referral_id)
    scope = who.authorize("referral.respond", Target(ref.case_id, referral_to=ref.to_organisation_id))
    if ref.status != "accepted":
        raise ConflictError(f"status: the referral is {ref.status}; its details are shared once accepted")
    case = cw.repo.get(ref.case_id)
    consent.require_sharing(case, ref.to_organisation_id, cw.today())
    personal = case.person.personal.model_dump(mode="json")
    out: dict[str, object] = {"referral_id": ref.id, "service": ref.service, "sex": case.person.sex,
                              "age_years": case.person.age_years, "citizenship": list(case.person.citizenship),
                              "language": case.person.primary_language}
    out.update({f: personal.get(f) for f in ref.shared_fields})
    with writing(cw.engine) as conn:
        audit(conn, who, "referral.packet", ref.case_id, scope, referral=ref.id, fields=len(ref.shared_fields))
    return out


def inbox(conn: Connection, organisation_id: str, statuses: tuple[str, ...] = ("sent", "accepted")) -> list[dict]:
    """Referrals to ``organisation_id``: before acceptance only id, kind, service, date and sender."""
    query = (select(casework_referrals).where(casework_referrals.c.to_organisation_id == organisation_id,
                                              casework_referrals.c.status.in_(statuses))
             .order_by(casework_referrals.c.sent_on, casework_referrals.c.id))
    rows = []
    for r in conn.execute(query):
        rows.append({"id": r.id, "kind": r.kind, "service": r.service, "status": r.status, "sent_on": r.sent_on,
                     "from_organisation_id": r.from_organisation_id,
                     "case_id": r.case_id if r.status == "accepted" else None})
    return rows


def of_case(conn: Connection, case_id: str) -> list[ReferralRow]:
    query = select(casework_referrals).where(casework_referrals.c.case_id == case_id).order_by(
        casework_referrals.c.sent_on, casework_referrals.c.id)
    return [_row(r) for r in conn.execute(query)]
