"""applications models, split by sub-domain: the pipeline, messaging, webhooks."""

from applications.models.messaging import (
    CANDIDATE_KINDS,
    RECRUITER_KINDS,
    Channel,
    EmailTemplate,
    Kind,
    Message,
    Notification,
    NotificationPreference,
    SmsConsent,
)
from applications.models.pipeline import (
    CLAIMABLE_SOURCES,
    DEFAULT_REJECTION_REASONS,
    DEFAULT_STAGES,
    Application,
    Note,
    PipelineStage,
    RejectionReason,
    Scorecard,
    ScreeningQuestion,
    Source,
    StageChange,
)
from applications.models.webhooks import WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint

__all__ = [
    "CANDIDATE_KINDS",
    "CLAIMABLE_SOURCES",
    "DEFAULT_REJECTION_REASONS",
    "DEFAULT_STAGES",
    "RECRUITER_KINDS",
    "WEBHOOK_EVENTS",
    "Application",
    "Channel",
    "EmailTemplate",
    "Kind",
    "Message",
    "Note",
    "Notification",
    "NotificationPreference",
    "PipelineStage",
    "RejectionReason",
    "Scorecard",
    "ScreeningQuestion",
    "SmsConsent",
    "Source",
    "StageChange",
    "WebhookDelivery",
    "WebhookEndpoint",
]
