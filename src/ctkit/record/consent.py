"""Consent per purpose (assistance, sharing with a named organisation, statistics, law enforcement, cross-border)
with date, language, interpreter and who explained it; withdrawal takes effect at once and is audited.

Every later action that needs consent asks :func:`require_sharing` at the moment it acts, so a withdrawal stops
the next referral, acceptance or packet read.
"""

from __future__ import annotations

from datetime import date

from ctkit.errors import ConflictError, NotFoundError
from ctkit.model import Case, Consent, TriState
from ctkit.record.access import Authorizer, Target
from ctkit.record.lifecycle import check_date
from ctkit.record.unit import Casework, audit, load, save_case, writing


def active(case: Case, purpose: str, on: date, organisation_id: str | None = None) -> Consent | None:
    """The consent for ``purpose`` (and, for sharing, that organisation) in force on ``on``, if any."""
    for consent in case.consents:
        if consent.purpose == purpose and consent.active_on(on) and (
                organisation_id is None or consent.organisation_id == organisation_id):
            return consent
    return None


def require_sharing(case: Case, organisation_id: str, on: date) -> None:
    """ConflictError naming ``consent`` unless the person consents to sharing with ``organisation_id`` on ``on``."""
    if active(case, "sharing", on, organisation_id) is None:
        raise ConflictError("consent: the person has not consented (or no longer consents) to sharing with "
                            "this organisation", hint="record the person's consent for sharing first")


def record(cw: Casework, who: Authorizer, case_id: str, *, purpose: str, given_on: date,
           organisation_id: str | None = None, language: str | None = None,
           interpreter_used: TriState = TriState.unknown, explained_by: str | None = None,
           expected_version: int | None = None) -> str:
    """Record a consent; returns its id. ValidationError (naming the field) for bad input."""
    loaded = load(cw.repo, case_id, expected_version)
    consent = Consent(purpose=purpose, organisation_id=organisation_id, given_on=given_on, language=language,
                      interpreter_used=interpreter_used, explained_by=explained_by)
    scope = who.authorize("case.edit", Target(case_id))
    check_date(cw, loaded.case, given_on, None, "consent")
    loaded.case.consents.append(consent)
    with writing(cw.engine) as conn:
        version = save_case(conn, loaded)
        audit(conn, who, "consent.record", case_id, scope, consent=consent.id, purpose=purpose, version=version)
    return consent.id


def withdraw(cw: Casework, who: Authorizer, case_id: str, consent_id: str) -> None:
    """Withdraw a consent today, effective at once (audited). ConflictError if already withdrawn."""
    loaded = load(cw.repo, case_id)
    scope = who.authorize("case.edit", Target(case_id))
    found = next((c for c in loaded.case.consents if c.id == consent_id), None)
    if found is None:
        raise NotFoundError("consent_id: no such consent on this case")
    if found.withdrawn_on is not None:
        raise ConflictError("consent: already withdrawn")
    found.withdrawn_on = max(cw.today(), found.given_on)
    with writing(cw.engine) as conn:
        version = save_case(conn, loaded)
        audit(conn, who, "consent.withdraw", case_id, scope, consent=consent_id, purpose=found.purpose,
              version=version)
