"""applications models, split by sub-domain: the pipeline, messaging, webhooks."""

from applications.models.messaging import (
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
    "CLAIMABLE_SOURCES",
    "DEFAULT_REJECTION_REASONS",
    "DEFAULT_STAGES",
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
