"""The domain model (pydantic), based on HTCDS v2.0 and extended where it is silent.

Personal data lives in :class:`PersonalData` only, so the store can encrypt it as one unit.
"""

from ctkit.model.case import Case, Exploitation, LifecycleEvent, Recruitment, TraffickingEvent
from ctkit.model.common import TriState, describe_validation_error, flag, new_id
from ctkit.model.perpetrator import CasePerpetrator, Perpetrator, PerpetratorPersonalData
from ctkit.model.person import IdentityDocument, Person, PersonalData
from ctkit.model.screening import ScreeningResult
from ctkit.model.services import Assistance, Consent, LegalProceeding, Organisation, Referral

__all__ = [
    "Assistance",
    "Case",
    "CasePerpetrator",
    "Consent",
    "Exploitation",
    "IdentityDocument",
    "LegalProceeding",
    "LifecycleEvent",
    "Organisation",
    "Perpetrator",
    "PerpetratorPersonalData",
    "Person",
    "PersonalData",
    "Recruitment",
    "Referral",
    "ScreeningResult",
    "TraffickingEvent",
    "TriState",
    "describe_validation_error",
    "flag",
    "new_id",
]
