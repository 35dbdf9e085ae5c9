from .access_log import AccessLog
from .api_token import ApiToken
from .case import (
    ALLOWED_TRANSITIONS,
    CONSENT_ENDING_DAYS,
    OPEN_STATES,
    TRANSITIONS_NEEDING_REASON,
    Case,
    CaseState,
    Consent,
    ConsentStatus,
    Decision,
    Intervention,
    Referral,
)
from .catalogue import InterventionType, LegalBasis
from .client import Client, Relative
from .event import CaseEvent
from .organisation import Municipality, Profession, Recipient, Role, Shift, Team, User

__all__ = [
    "ALLOWED_TRANSITIONS",
    "CONSENT_ENDING_DAYS",
    "OPEN_STATES",
    "TRANSITIONS_NEEDING_REASON",
    "AccessLog",
    "ApiToken",
    "Case",
    "CaseEvent",
    "CaseState",
    "Client",
    "Consent",
    "ConsentStatus",
    "Decision",
    "Intervention",
    "InterventionType",
    "LegalBasis",
    "Municipality",
    "Profession",
    "Recipient",
    "Referral",
    "Relative",
    "Role",
    "Shift",
    "Team",
    "User",
]
