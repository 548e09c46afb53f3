"""The rows behind every notification: in-app `Notification`s and queued `Message`s, each
created once per cause and recipient (the unique source and key), and sent after the commit."""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import User
from applications.models import Application, Channel, Message, Notification
from applications.notifications.preferences import active_consent, wants


def hiring_team(application: Application) -> list[User]:
    """The job's hiring team, or the whole company when it has none; only people who are
    still active members of the company (someone who left keeps no alerts about candidates)."""
    members = User.objects.filter(
        is_active=True, memberships__company_id=application.job.company_id
    ).distinct()
    team = list(members.filter(hiring_for=application.job).order_by("pk"))
    return team or list(members.order_by("pk"))


def notify_in_app(
    *, recipient: User, kind: str, source: str, title: str, body: str, application: Application
) -> Notification | None:
    if not wants(recipient, kind=kind, channel=Channel.IN_APP):
        return None
    notification, _ = Notification.objects.get_or_create(
        recipient=recipient,
        source=source,
        defaults={"kind": kind, "title": title, "body": body, "application": application},
    )
    return notification


def queue_message(
    *,
    key: str,
    channel: str,
    kind: str,
    recipient: User,
    to: str,
    subject: str,
    body: str,
    application: Application,
) -> Message:
    message, _ = Message.objects.get_or_create(
        key=key,
        defaults={
            "channel": channel,
            "kind": kind,
            "recipient": recipient,
            "to": to,
            "subject": subject,
            "body": body,
            "application": application,
            "company_id": application.job.company_id,
        },
    )
    return message


def send_after_commit(messages: list[Message]) -> None:
    """Enqueue the sending of each still-queued message once the transaction commits (a
    message already sent or being sent by an earlier run is left alone)."""
    from applications import tasks

    for message in messages:
        if message.status == Message.Status.QUEUED:
            tasks.send_message.delay_on_commit(message.pk)


def queue_email_and_sms(
    *,
    recipient: User,
    kind: str,
    source: str,
    application: Application,
    email: Callable[[], tuple[str, str]],
    sms: str,
) -> list[Message]:
    """The email and SMS for one recipient and one cause, each as the recipient chose (SMS only
    with recorded consent), queued once and sent after the commit. `email` gives the subject and
    body; it is called only when an email is wanted. Keys are `<source>:<channel>:<recipient>`
    (`source` is the cause, e.g. `note:12`)."""
    messages = []
    if recipient.email and wants(recipient, kind=kind, channel=Channel.EMAIL):
        subject, body = email()
        messages.append(
            queue_message(
                key=f"{source}:email:{recipient.pk}",
                channel=Channel.EMAIL,
                kind=kind,
                recipient=recipient,
                to=recipient.email,
                subject=subject,
                body=body,
                application=application,
            )
        )
    consent = active_consent(recipient)
    if consent and wants(recipient, kind=kind, channel=Channel.SMS):
        messages.append(
            queue_message(
                key=f"{source}:sms:{recipient.pk}",
                channel=Channel.SMS,
                kind=kind,
                recipient=recipient,
                to=consent.phone,
                subject="",
                body=sms,
                application=application,
            )
        )
    send_after_commit(messages)
    return messages
