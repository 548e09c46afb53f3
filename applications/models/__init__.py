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
    DEFAULT_REJECTION_REASONS,
    DEFAULT_STAGES,
    Application,
    Note,
    PipelineStage,
    RejectionReason,
    Scorecard,
    ScreeningQuestion,
    StageChange,
)
from applications.models.webhooks import WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint

__all__ = [
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
    "StageChange",
    "WebhookDelivery",
    "WebhookEndpoint",
]
