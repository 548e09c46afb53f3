"""Notifications: once per transition, preferences and SMS consent honoured, retries with
backoff, email through moto's SES (Anymail) and SMS through moto's SNS."""

from __future__ import annotations

import pytest
from django.core import mail

from analytics.models import Event
from applications import notifications, services, tasks
from applications.models import Message, Notification, SmsConsent
from applications.tests.factories import stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(application, recruiter, job):
    """Carol's application moved to Interview by alice: the transition to notify about."""
    return services.move_application(
        application=application, to_stage=stage(job, "interview"), by=recruiter
    )


def consent(candidate, phone="+4915112345678"):
    return notifications.grant_sms_consent(user=candidate, phone=phone, source="test")


def test_a_transition_notifies_in_app_and_queues_one_email(moved, candidate):
    messages = notifications.notify_stage_change(stage_change_id=moved.pk)
    assert [(m.channel, m.to, m.status) for m in messages] == [
        ("email", "carol@example.test", "queued")
    ]
    assert messages[0].subject == "Your application for Robot Whisperer at Acme Robotics"
    assert "moved to: Interview" in messages[0].body
    assert Notification.objects.get(recipient=candidate).title == "Robot Whisperer: Interview"


def test_running_the_notification_task_again_creates_nothing_new(moved):
    tasks.notify_stage_change.apply(args=[moved.pk])
    tasks.notify_stage_change.apply(args=[moved.pk])
    assert Message.objects.count() == 1
    assert Notification.objects.filter(source=f"stage_change:{moved.pk}").count() == 1


def test_a_message_is_sent_once_even_when_its_task_runs_again(moved):
    [message] = notifications.notify_stage_change(stage_change_id=moved.pk)
    assert tasks.send_message.apply(args=[message.pk]).get() == "sent"
    assert tasks.send_message.apply(args=[message.pk]).get() == "sent"
    assert len(mail.outbox) == 1
    assert Event.objects.filter(kind="message.sent").count() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    assert message.sent_at is not None


def test_a_message_interrupted_while_sending_is_never_sent_again(moved):
    [message] = notifications.notify_stage_change(stage_change_id=moved.pk)
    Message.objects.filter(pk=message.pk).update(status=Message.Status.SENDING)  # a killed worker
    assert tasks.send_message.apply(args=[message.pk]).get() == "unknown"
    assert mail.outbox == []


def test_transient_failures_retry_with_backoff_then_give_up(moved, settings):
    from applications.tasks import _backoff

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    [message] = notifications.notify_stage_change(stage_change_id=moved.pk)
    result = tasks.send_message.apply(args=[message.pk])  # eager: the retries run in turn
    assert result.get() == "failed"
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.attempts == tasks.send_message.max_retries + 1
    assert "refused" in message.error.lower() or "connect" in message.error.lower()
    assert [_backoff(n) for n in range(4)] == [30.0, 60.0, 120.0, 240.0]


def test_a_retry_after_a_transient_failure_sends_once(moved, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    [message] = notifications.notify_stage_change(stage_change_id=moved.pk)
    with pytest.raises(notifications.TransientSendError):
        notifications.send_message(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "queued"  # back in line for the retry
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.send_message(message_id=message.pk).status == "sent"
    assert len(mail.outbox) == 1


def test_preferences_switch_channels_off(moved, candidate):
    notifications.set_preferences(
        user=candidate, changes={"stage_changed": {"email": False, "in_app": False}}
    )
    assert notifications.notify_stage_change(stage_change_id=moved.pk) == []
    assert not Notification.objects.filter(recipient=candidate).exists()


def test_sms_needs_both_consent_and_the_preference(application, recruiter, candidate, job):
    notifications.set_preferences(user=candidate, changes={"stage_changed": {"sms": True}})
    first = services.move_application(
        application=application, to_stage=stage(job, "screening"), by=recruiter
    )
    channels = [m.channel for m in notifications.notify_stage_change(stage_change_id=first.pk)]
    assert channels == ["email"]  # no consent yet

    consent(candidate)
    second = services.move_application(
        application=application, to_stage=stage(job, "interview"), by=recruiter
    )
    queued = notifications.notify_stage_change(stage_change_id=second.pk)
    sms = [m for m in queued if m.channel == "sms"]
    assert [m.to for m in sms] == ["+4915112345678"]
    assert tasks.send_message.apply(args=[sms[0].pk]).get() == "sent"  # console sender

    notifications.revoke_sms_consent(user=candidate)
    third = services.move_application(
        application=application, to_stage=stage(job, "offer"), by=recruiter
    )
    channels = [m.channel for m in notifications.notify_stage_change(stage_change_id=third.pk)]
    assert channels == ["email"]
    assert SmsConsent.objects.get().revoked_at is not None


def test_a_quiet_move_does_not_notify_the_candidate(application, recruiter, job, candidate):
    change = services.move_application(
        application=application,
        to_stage=stage(job, "screening"),
        by=recruiter,
        notify_candidate=False,
    )
    assert notifications.notify_stage_change(stage_change_id=change.pk) == []
    assert not Notification.objects.filter(recipient=candidate, kind="stage_changed").exists()


def test_a_withdrawal_notifies_the_hiring_team_not_the_candidate(application, candidate, teammate):
    change = services.withdraw_application(application=application, candidate=candidate)
    notifications.notify_stage_change(stage_change_id=change.pk)
    recipients = set(
        Notification.objects.filter(source=f"stage_change:{change.pk}").values_list(
            "recipient__email", flat=True
        )
    )
    assert recipients == {"alice@acme.test", "bob@acme.test"}


def test_bulk_email_skips_candidates_who_switched_it_off(application, recruiter, candidate):
    notifications.set_preferences(user=candidate, changes={"recruiter_message": {"email": False}})
    [message] = notifications.send_bulk_email(
        applications=[application], subject="Hi", body="Hello", by=recruiter
    )
    assert message.status == "skipped"


# --- Against moto ----------------------------------------------------------------------------


def test_email_goes_through_ses_with_anymail_and_records_the_provider_id(
    moved, settings, moto_reset
):
    import boto3

    sender = "talent@acme.test"
    boto3.client("ses", region_name="us-east-1", endpoint_url=moto_reset).verify_email_identity(
        EmailAddress=sender
    )
    settings.EMAIL_BACKEND = "anymail.backends.amazon_ses.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = sender
    settings.ANYMAIL = {
        "AMAZON_SES_CLIENT_PARAMS": {"region_name": "us-east-1", "endpoint_url": moto_reset}
    }
    [message] = notifications.notify_stage_change(stage_change_id=moved.pk)
    assert tasks.send_message.apply(args=[message.pk]).get() == "sent"
    message.refresh_from_db()
    assert message.provider_id

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    assert len(sent) == 1
    assert sent[0].id == message.provider_id


def test_an_unverified_ses_sender_fails_the_message_without_sending(moved, settings, moto_reset):
    settings.EMAIL_BACKEND = "anymail.backends.amazon_ses.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "nobody@unverified.test"
    settings.ANYMAIL = {
        "AMAZON_SES_CLIENT_PARAMS": {"region_name": "us-east-1", "endpoint_url": moto_reset}
    }
    [message] = notifications.notify_stage_change(stage_change_id=moved.pk)
    result = tasks.send_message.apply(args=[message.pk])
    message.refresh_from_db()
    assert result.get() == "failed" and message.status == "failed"
    assert message.error


def test_sms_goes_through_sns(application, recruiter, candidate, job, settings, moto_reset):
    settings.SMS_BACKEND = {
        "BACKEND": "applications.sms.sns.SnsSmsSender",
        "OPTIONS": {"region_name": "us-east-1", "endpoint_url": moto_reset, "sender_id": "Acme"},
    }
    notifications.set_preferences(
        user=candidate, changes={"stage_changed": {"sms": True, "email": False}}
    )
    consent(candidate)
    change = services.move_application(
        application=application, to_stage=stage(job, "offer"), by=recruiter
    )
    [sms] = notifications.notify_stage_change(stage_change_id=change.pk)
    assert tasks.send_message.apply(args=[sms.pk]).get() == "sent"
    sms.refresh_from_db()

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    delivered = sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages
    assert delivered[sms.provider_id][0] == "+4915112345678"
    assert "is now at Offer" in delivered[sms.provider_id][1]


def test_the_sweep_requeues_transitions_and_messages_whose_task_was_lost(
    moved, application, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from applications.models import StageChange

    # Nothing ran (the broker lost the messages) and 20 minutes went by.
    StageChange.objects.update(created_at=timezone.now() - timedelta(minutes=20))
    result = services.requeue_stuck()
    assert (result.notifications, result.webhooks) == (2, 2)
    # Once notified and dispatched, the sweep leaves them alone.
    for change in StageChange.objects.all():
        notifications.notify_stage_change(stage_change_id=change.pk)
        from applications import webhooks

        webhooks.create_deliveries(event=change.event, source="stage_change", source_id=change.pk)
    Message.objects.update(created_at=timezone.now() - timedelta(minutes=20))
    result = services.requeue_stuck()
    # Carol's stage email and alice's new-application email.
    assert (result.notifications, result.webhooks, result.messages) == (0, 0, 2)
    assert [c.event for c in StageChange.objects.order_by("pk")] == [
        "application.created",
        "application.stage_changed",
    ]
