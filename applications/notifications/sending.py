"""Sending one queued message, once: claimed (`queued → sending`) before the provider is
called; a run killed after claiming leaves it `unknown` for a person to check."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from analytics.services import record_event
from applications.models import Channel, Message
from applications.sms import SmsError, get_sms_sender


class TransientSendError(Exception):
    """The provider may accept the message later: the task retries with backoff."""


@dataclass(frozen=True)
class Outcome:
    status: str
    provider_id: str = ""


def _email(message: Message) -> str:
    from anymail.exceptions import AnymailError, AnymailInvalidAddress, AnymailRecipientsRefused

    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
    )
    try:
        email.send()
    except (AnymailRecipientsRefused, AnymailInvalidAddress):
        raise
    except (AnymailError, OSError) as exc:
        raise TransientSendError(str(exc)) from exc
    status = getattr(email, "anymail_status", None)
    return (status.message_id or "") if status is not None else ""


def send_message(*, message_id: int, final_attempt: bool = False) -> Outcome:
    """Send one queued message once. Raises TransientSendError when worth another try."""
    from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused

    claimed = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).update(
        status=Message.Status.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        message = Message.objects.filter(pk=message_id).first()
        if message is not None and message.status == Message.Status.SENDING:
            # A previous run died after claiming it: maybe sent, maybe not. Never send twice.
            Message.objects.filter(pk=message_id, status=Message.Status.SENDING).update(
                status=Message.Status.UNKNOWN,
                error="Interrupted while sending; check with the provider before resending.",
            )
            return Outcome(Message.Status.UNKNOWN)
        return Outcome(message.status if message else "missing")
    message = Message.objects.select_related("application__job__company").get(pk=message_id)
    try:
        if message.channel == Channel.EMAIL:
            provider_id = _email(message)
        else:
            provider_id = get_sms_sender().send(to=message.to, body=message.body).provider_id
    except (TransientSendError, SmsError) as exc:
        transient = isinstance(exc, TransientSendError) or exc.transient
        if transient and not final_attempt:
            Message.objects.filter(pk=message_id).update(
                status=Message.Status.QUEUED, error=str(exc)[:2000]
            )
            raise TransientSendError(str(exc)) from exc
        Message.objects.filter(pk=message_id).update(
            status=Message.Status.FAILED, error=str(exc)[:2000]
        )
        return Outcome(Message.Status.FAILED)
    except (AnymailRecipientsRefused, AnymailInvalidAddress) as exc:
        Message.objects.filter(pk=message_id).update(
            status=Message.Status.FAILED, error=str(exc)[:2000]
        )
        return Outcome(Message.Status.FAILED)
    with transaction.atomic():
        Message.objects.filter(pk=message_id).update(
            status=Message.Status.SENT, provider_id=provider_id, sent_at=timezone.now(), error=""
        )
        record_event(
            kind="message.sent",
            company=message.company,
            subject=message,
            payload={
                "channel": message.channel,
                "kind": message.kind,
                "application_id": str(message.application_id or ""),
                "provider_id": provider_id,
            },
        )
    return Outcome(Message.Status.SENT, provider_id)
