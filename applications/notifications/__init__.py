"""Notifications: who hears about what, on which channel, and the sending itself.

`notify_stage_change` turns one history row into in-app notifications and queued `Message`
rows; `send_message` sends one queued row. Both are safe to run again: a notification is
unique per (recipient, cause) and a message per (cause, channel, recipient), and a message is
claimed (`queued → sending`) before the provider is called, so a retried task never sends
twice. A task killed between the provider's answer and the commit leaves the row `sending`;
it is then marked `unknown` for a person to check, rather than risking a second message.

Split by sub-domain: preferences (and SMS consent), emails (templates with safe variables),
dispatch (a stage change to the candidate's and the team's notifications), recruiters
(the hiring team's notifications: applications, mentions, withdrawals, scorecards), queueing
(the rows), inbox, sending. Callers import from here.
"""

from applications.notifications.dispatch import notify_stage_change, send_bulk_email
from applications.notifications.emails import (
    DEFAULT_BODIES,
    DEFAULT_SUBJECT,
    VARIABLES,
    email_for_stage,
    preview_template,
    render_text,
    validate_template,
    variables_for,
)
from applications.notifications.inbox import mark_read, unread_count
from applications.notifications.preferences import (
    active_consent,
    grant_sms_consent,
    kinds_for,
    preferences_of,
    revoke_sms_consent,
    set_preferences,
    wants,
)
from applications.notifications.recruiters import (
    notify_mentions,
    notify_scorecard,
    notify_team,
    notify_team_member,
)
from applications.notifications.sending import Outcome, TransientSendError, send_message

__all__ = [
    "DEFAULT_BODIES",
    "DEFAULT_SUBJECT",
    "VARIABLES",
    "Outcome",
    "TransientSendError",
    "active_consent",
    "email_for_stage",
    "grant_sms_consent",
    "kinds_for",
    "mark_read",
    "notify_mentions",
    "notify_scorecard",
    "notify_stage_change",
    "notify_team",
    "notify_team_member",
    "preferences_of",
    "preview_template",
    "render_text",
    "revoke_sms_consent",
    "send_bulk_email",
    "send_message",
    "set_preferences",
    "unread_count",
    "validate_template",
    "variables_for",
    "wants",
]
