"""All platform models; importing this module registers every table on ``Base.metadata``."""

from regionatlas.platform.models.accounts import (
    ROLES,
    Account,
    AccountToken,
    LoginAttempt,
    RequestLog,
    WebSession,
)
from regionatlas.platform.models.actors import (
    ORGANISATION_KINDS,
    Organisation,
    OrganisationMember,
)
from regionatlas.platform.models.audit import AuditEntry
from regionatlas.platform.models.base import Base, utcnow
from regionatlas.platform.models.dkz import OFFER_KINDS, SITE_KINDS, Offer, Site
from regionatlas.platform.models.events import (
    EVENT_FORMATS,
    TIMELINE_KINDS,
    Event,
    EventRegistration,
    NewsItem,
    TimelineEntry,
)
from regionatlas.platform.models.forum import (
    GROUP_ROLES,
    Document,
    GroupMember,
    Notification,
    Post,
    Report,
    Thread,
    WorkingGroup,
)
from regionatlas.platform.models.impact import (
    ImpactEvaluation,
    ImpactGoal,
    ImpactIndicator,
    ImpactIntervention,
)
from regionatlas.platform.models.surveys import (
    Survey,
    SurveyFreeText,
    SurveyInvitation,
    SurveyResponse,
)

__all__ = [
    "EVENT_FORMATS",
    "GROUP_ROLES",
    "OFFER_KINDS",
    "ORGANISATION_KINDS",
    "ROLES",
    "SITE_KINDS",
    "TIMELINE_KINDS",
    "Account",
    "AccountToken",
    "AuditEntry",
    "Base",
    "Document",
    "Event",
    "EventRegistration",
    "GroupMember",
    "ImpactEvaluation",
    "ImpactGoal",
    "ImpactIndicator",
    "ImpactIntervention",
    "LoginAttempt",
    "NewsItem",
    "Notification",
    "Offer",
    "Organisation",
    "OrganisationMember",
    "Post",
    "Report",
    "RequestLog",
    "Site",
    "Survey",
    "SurveyFreeText",
    "SurveyInvitation",
    "SurveyResponse",
    "Thread",
    "TimelineEntry",
    "WebSession",
    "WorkingGroup",
    "utcnow",
]
