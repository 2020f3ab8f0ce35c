"""What every reveal of personal fields shares, for victims (:func:`ctkit.web.cases.reveal`) and perpetrators
(:func:`ctkit.web.perpetrators.reveal`): the coded reasons, the check of the reason given, the audit event (ids
and codes only, never a value) and the projection of the revealed fields.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from ctkit.errors import ValidationError
from ctkit.store.audit import AuditEvent
from ctkit.web.guard import Ctx

# Why personal fields are revealed: codes only, so the audit trail never holds free text.
REASONS: dict[str, str] = {
    "assistance": "Providing assistance",
    "referral": "Preparing a referral",
    "legal": "Legal proceedings",
    "safety": "Safety check",
    "correction": "Correcting the record",
}


def checked_reason(code: str) -> str:
    """``code`` when it is a known reason; ValidationError naming the allowed ones (never echoing the input)."""
    if code not in REASONS:
        raise ValidationError(f"reason: must be one of {', '.join(REASONS)}")
    return code


def reveal_event(ctx: Ctx, action: str, case_id: str, reason_code: str, scope: str, **ids: str) -> AuditEvent:
    """The audit event of one reveal: who, which case (and ``ids`` of the record within it), the reason code and
    the policy scope that allowed it."""
    return AuditEvent(action=action, outcome="allowed", reason=reason_code, actor_id=ctx.actor.user_id,
                      organisation_id=ctx.actor.organisation_id, resource_type="case", resource_id=case_id,
                      details={"scope": scope, **ids})


def revealed_fields(personal: BaseModel, fields: Iterable[str]) -> dict[str, object]:
    """``fields`` of a personal-data model as JSON values, in the given order (absent ones None)."""
    data = personal.model_dump(mode="json")
    return {f: data.get(f) for f in fields}
