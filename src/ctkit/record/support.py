"""Assistance planned and delivered per provider, support plans (HTCDS ``spl_`` fields) and return risk
assessments.

Assistance never depends on cooperation with the authorities: nothing here reads the justice status, the
proceedings or a law-enforcement consent (a test pins this), and no transition requires them.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import Connection, select, update

from ctkit.errors import ConflictError, NotFoundError, ValidationError
from ctkit.model import Assistance, LifecycleEvent
from ctkit.record import referrals as refs
from ctkit.record.access import Authorizer, Target
from ctkit.record.lifecycle import check_date
from ctkit.record.unit import Casework, audit, load, new_id, save_case, writing
from ctkit.store.casework_tables import casework_risk_assessments, casework_services, casework_support_plans
from ctkit.vocab import code_list, country_alpha3

OUTCOMES = ("completed", "partly_completed", "declined", "not_delivered")
# HTCDS v2.0 spl_Type picklist, as snake_case codes.
PLAN_TYPES = ("education", "financial", "health", "labour_exploitation_rehabilitation", "legal", "livelihood",
              "rights_based_training", "sexual_exploitation_rehabilitation", "social_care")
RISK_LEVELS = ("low", "medium", "high")


def _authorize_service(cw: Casework, who: Authorizer, case_id: str, referral_id: str | None,
                       service: str) -> tuple[str, str]:
    """(scope, provider): the referral's receiver records under it, anyone else under case.edit."""
    if referral_id is None:
        return who.authorize("case.edit", Target(case_id)), who.organisation_id
    with cw.engine.connect() as conn:
        ref = refs.get(conn, referral_id)
    if ref.case_id != case_id or ref.service != service:
        raise ValidationError("referral_id: does not match this case and service")
    scope = who.authorize("referral.respond", Target(case_id, referral_to=ref.to_organisation_id))
    if ref.status != "accepted":
        raise ConflictError(f"status: services are recorded on accepted referrals, this one is {ref.status}")
    return scope, ref.to_organisation_id


def record_service(cw: Casework, who: Authorizer, case_id: str, *, service: str, start_date: date,
                   end_date: date | None = None, outcome: str | None = None, referral_id: str | None = None,
                   planned: bool = False) -> str:
    """Plan (``planned=True``) or record a delivered service; returns its id.

    A delivered service is appended to the case's assistance list with the ``assisted`` funnel stage.
    """
    if service not in code_list("service_type"):
        raise ValidationError(f"service: must be one of {', '.join(code_list('service_type'))}")
    if outcome is not None and outcome not in OUTCOMES:
        raise ValidationError(f"outcome: must be one of {', '.join(OUTCOMES)}")
    if end_date is not None and end_date < start_date:
        raise ValidationError("end_date: is before start_date")
    scope, provider = _authorize_service(cw, who, case_id, referral_id, service)
    loaded = load(cw.repo, case_id)
    if not planned:
        check_date(cw, loaded.case, start_date, None, "assistance")
        loaded.case.assistance.append(Assistance(service=service, provider_organisation_id=provider,
                                                 start_date=start_date, end_date=end_date, outcome=outcome))
        if loaded.case.stage_date("assisted") is None:
            loaded.case.lifecycle.append(LifecycleEvent(stage="assisted", on=start_date))
    service_id = new_id()
    with writing(cw.engine) as conn:
        conn.execute(casework_services.insert().values(
            id=service_id, case_id=case_id, referral_id=referral_id, service=service,
            provider_organisation_id=provider, status="planned" if planned else "delivered",
            planned_on=start_date, start_date=None if planned else start_date, end_date=end_date,
            outcome=outcome, recorded_by=who.actor_id))
        version = save_case(conn, loaded)
        audit(conn, who, "case.assistance", case_id, scope, service=service, planned=planned, version=version)
    return service_id


def add_support_plan(cw: Casework, who: Authorizer, case_id: str, *, plan_type: str, created_on: date,
                     planned_end_date: date | None = None, objectives: str = "", action_plan: str = "") -> str:
    """Add a support plan (spl_Type, spl_Objectives, spl_ActionPlan, spl_PlannedEndDate); returns its id.

    Objectives and action plan are free text and may be personal: they are stored encrypted.
    """
    if plan_type not in PLAN_TYPES:
        raise ValidationError(f"plan_type: must be one of {', '.join(PLAN_TYPES)}")
    if planned_end_date is not None and planned_end_date < created_on:
        raise ValidationError("planned_end_date: is before created_on")
    if len(objectives) > 4000 or len(action_plan) > 4000:
        raise ValidationError("objectives/action_plan: at most 4000 characters each")
    scope = who.authorize("case.edit", Target(case_id))
    check_date(cw, cw.repo.get(case_id), created_on, None, "support plan")
    plan_id = new_id()
    text = json.dumps({"objectives": objectives, "action_plan": action_plan}).encode()
    blob = cw.cipher.encrypt_bytes(plan_id, text) if objectives or action_plan else None
    with writing(cw.engine) as conn:
        conn.execute(casework_support_plans.insert().values(
            id=plan_id, case_id=case_id, type=plan_type, status="active", created_on=created_on,
            planned_end_date=planned_end_date, text_ciphertext=blob, key_id=cw.cipher.active_id if blob else None,
            created_by=who.actor_id))
        audit(conn, who, "case.support_plan", case_id, scope, plan=plan_id, type=plan_type)
    return plan_id


def _plan(conn: Connection, case_id: str, plan_id: str):
    row = conn.execute(select(casework_support_plans).where(
        casework_support_plans.c.id == plan_id, casework_support_plans.c.case_id == case_id)).first()
    if row is None:
        raise NotFoundError("plan_id: no such support plan on this case")
    return row


def complete_support_plan(cw: Casework, who: Authorizer, case_id: str, plan_id: str, on: date) -> None:
    """Mark a plan completed on ``on`` (spl_ActualEndDate)."""
    scope = who.authorize("case.edit", Target(case_id))
    with writing(cw.engine) as conn:
        row = _plan(conn, case_id, plan_id)
        if on < row.created_on:
            raise ValidationError("on: is before the plan was created")
        conn.execute(update(casework_support_plans).where(casework_support_plans.c.id == plan_id)
                     .values(status="completed", actual_end_date=on))
        audit(conn, who, "case.support_plan", case_id, scope, plan=plan_id, status="completed")


def support_plan_text(cw: Casework, who: Authorizer, case_id: str, plan_id: str) -> dict[str, str]:
    """The decrypted objectives and action plan (a personal-data read: ``person.reveal``, audited)."""
    scope = who.authorize("person.reveal", Target(case_id))
    with writing(cw.engine) as conn:
        row = _plan(conn, case_id, plan_id)
        audit(conn, who, "person.reveal", case_id, scope, plan=plan_id)
    if row.text_ciphertext is None:
        return {"objectives": "", "action_plan": ""}
    return json.loads(cw.cipher.decrypt_bytes(plan_id, bytes(row.text_ciphertext), row.key_id))


def assess_return_risk(cw: Casework, who: Authorizer, case_id: str, *, assessed_on: date,
                       destination_country: str, level: str) -> str:
    """Record a risk assessment of a return to ``destination_country``; returns its id."""
    if level not in RISK_LEVELS:
        raise ValidationError(f"level: must be one of {', '.join(RISK_LEVELS)}")
    country = country_alpha3(destination_country)
    scope = who.authorize("case.edit", Target(case_id))
    check_date(cw, cw.repo.get(case_id), assessed_on, None, "risk assessment")
    assessment_id = new_id()
    with writing(cw.engine) as conn:
        conn.execute(casework_risk_assessments.insert().values(
            id=assessment_id, case_id=case_id, assessed_on=assessed_on, destination_country=country, level=level,
            assessed_by=who.actor_id))
        audit(conn, who, "case.risk_assessment", case_id, scope, level=level, country=country)
    return assessment_id


def services_of(conn: Connection, case_id: str) -> list[dict]:
    query = select(casework_services).where(casework_services.c.case_id == case_id).order_by(
        casework_services.c.planned_on)
    return [dict(r._mapping) for r in conn.execute(query)]


def plans_of(conn: Connection, case_id: str) -> list[dict]:
    c = casework_support_plans.c
    query = select(c.id, c.type, c.status, c.created_on, c.planned_end_date, c.actual_end_date).where(
        c.case_id == case_id).order_by(c.created_on)
    return [dict(r._mapping) for r in conn.execute(query)]


def risks_of(conn: Connection, case_id: str) -> list[dict]:
    c = casework_risk_assessments.c
    query = select(c.assessed_on, c.destination_country, c.level).where(c.case_id == case_id).order_by(
        c.assessed_on)
    return [dict(r._mapping) for r in conn.execute(query)]
