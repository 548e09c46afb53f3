"""Recruiters' email and SMS notifications: new applications, @mentions, withdrawals and
scorecards, honouring each recruiter's preferences and SMS consent, sent once (moto's SES
and SNS for the providers)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from applications import notifications, services, tasks
from applications.models import Application, Message, Notification, SmsConsent, StageChange
from applications.tests.factories import make_application, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def applied(application) -> StageChange:
    """The history row of Carol's new application (the team hears about it)."""
    return StageChange.objects.get(application=application, from_stage=None)


def sms_consent(user, phone="+4915199887766"):
    return notifications.grant_sms_consent(user=user, phone=phone, source="test")


def emails(messages):
    return sorted(m.to for m in messages if m.channel == "email")


def test_a_new_application_emails_the_whole_team_once(applied, recruiter, teammate):
    messages = notifications.notify_stage_change(stage_change_id=applied.pk)
    assert emails(messages) == ["alice@acme.test", "bob@acme.test"]
    alice = next(m for m in messages if m.to == "alice@acme.test")
    assert alice.kind == "new_application"
    assert alice.subject == "New application for Robot Whisperer"
    assert "Carol applied (direct (applied in the app))" in alice.body
    assert f"/portal/applications/{applied.application_id}/" in alice.body
    assert "/portal/applications/notifications/settings/" in alice.body
    # Run again (a retried task): nothing new, and each email goes out once.
    tasks.notify_stage_change.apply(args=[applied.pk])
    assert Message.objects.filter(kind="new_application").count() == 2
    for message in messages:
        assert tasks.send_message.apply(args=[message.pk]).get() == "sent"
        assert tasks.send_message.apply(args=[message.pk]).get() == "sent"
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@acme.test", "bob@acme.test"]


def test_only_the_jobs_hiring_team_hears_when_it_has_one(job, acme, candidate, recruiter,
                                                          teammate):  # fmt: skip
    job.hiring_team.set([teammate])
    application = make_application(company=acme, candidate=candidate, job=job)
    change = StageChange.objects.get(application=application)
    assert emails(notifications.notify_stage_change(stage_change_id=change.pk)) == ["bob@acme.test"]
    assert not Notification.objects.filter(recipient=recruiter).exists()


def test_someone_who_left_the_company_hears_nothing(applied, recruiter, teammate, job):
    from accounts.models import Membership

    job.hiring_team.set([recruiter, teammate])
    Membership.objects.filter(user=teammate).delete()
    assert emails(notifications.notify_stage_change(stage_change_id=applied.pk)) == [
        "alice@acme.test"
    ]
    assert not Notification.objects.filter(recipient=teammate).exists()


def test_a_recruiters_preferences_are_honoured_per_kind_and_channel(applied, recruiter,
                                                                     teammate):  # fmt: skip
    notifications.set_preferences(user=teammate, changes={"new_application": {"email": False}})
    notifications.set_preferences(user=recruiter, changes={"new_application": {"in_app": False}})
    messages = notifications.notify_stage_change(stage_change_id=applied.pk)
    assert emails(messages) == ["alice@acme.test"]
    in_app = Notification.objects.filter(
        source=f"stage_change:{applied.pk}", kind="new_application"
    )
    assert [n.recipient.email for n in in_app] == ["bob@acme.test"]
    # Another kind is unaffected by bob's choice for new applications.
    note = services.add_note(
        application=applied.application, author=recruiter, body="@bob worth a call"
    )
    assert emails(notifications.notify_mentions(note_id=note.pk)) == ["bob@acme.test"]


def test_sms_reaches_a_recruiter_only_with_consent_and_the_preference(applied, recruiter):
    notifications.set_preferences(user=recruiter, changes={"new_application": {"sms": True}})
    no_consent = notifications.notify_stage_change(stage_change_id=applied.pk)
    assert [m.channel for m in no_consent] == ["email"]

    sms_consent(recruiter)
    other = make_application(
        company=applied.application.job.company,
        candidate=_dave(),
        job=applied.application.job,
    )
    change = StageChange.objects.get(application=other)
    sms = [
        m
        for m in notifications.notify_stage_change(stage_change_id=change.pk)
        if m.channel == "sms"
    ]
    assert [(m.to, m.recipient) for m in sms] == [("+4915199887766", recruiter)]
    assert tasks.send_message.apply(args=[sms[0].pk]).get() == "sent"  # console sender

    notifications.revoke_sms_consent(user=recruiter)
    note = services.add_note(application=other, author=recruiter, body="@alice self-note")
    # Alice mentioned herself: no one is notified (the author is never mentioned).
    assert notifications.notify_mentions(note_id=note.pk) == []
    assert SmsConsent.objects.get(user=recruiter).revoked_at is not None


def _dave():
    from accounts.models import User

    return User.objects.get(email="dave@example.test")


@pytest.fixture(autouse=True)
def _dave_exists(other_candidate):
    return other_candidate


def test_a_mention_emails_the_note_but_texts_only_the_title(application, recruiter, teammate):
    sms_consent(teammate)
    notifications.set_preferences(user=teammate, changes={"mention": {"sms": True}})
    note = services.add_note(
        application=application, author=recruiter, body="@bob salary wish is 90k, thoughts?"
    )
    messages = notifications.notify_mentions(note_id=note.pk)
    by_channel = {m.channel: m for m in messages}
    assert set(by_channel) == {"email", "sms"}
    assert by_channel["email"].subject == "Alice mentioned you (Robot Whisperer)"
    assert "salary wish is 90k" in by_channel["email"].body
    assert "90k" not in by_channel["sms"].body
    assert notifications.notify_mentions(note_id=note.pk) == messages  # the same rows again


def test_a_withdrawal_emails_the_team_with_the_candidates_reason(application, candidate,
                                                                 teammate):  # fmt: skip
    change = services.withdraw_application(
        application=application, candidate=candidate, reason="Took another offer"
    )
    messages = notifications.notify_stage_change(stage_change_id=change.pk)
    assert emails(messages) == ["alice@acme.test", "bob@acme.test"]
    assert {m.kind for m in messages} == {"candidate_withdrew"}
    assert all("Took another offer" in m.body for m in messages)
    assert not Message.objects.filter(recipient=candidate).exists()


def test_a_new_scorecard_notifies_the_team_but_its_author_once(
    application, recruiter, teammate, job, django_capture_on_commit_callbacks
):
    interview = stage(job, "interview")
    with django_capture_on_commit_callbacks() as callbacks:
        card = services.submit_scorecard(
            application=application,
            author=teammate,
            stage=interview,
            ratings={"Communication": 4, "Overall fit": 5},
        )
    assert len(callbacks) == 1  # notify_scorecard, after the commit
    messages = notifications.notify_scorecard(scorecard_id=card.pk)
    assert emails(messages) == ["alice@acme.test"]
    assert messages[0].subject == "Bob scored Carol (Interview, Robot Whisperer)"
    assert "Average 4.5 of 5." in messages[0].body
    with django_capture_on_commit_callbacks() as callbacks:
        services.submit_scorecard(
            application=application, author=teammate, stage=interview, ratings={"Communication": 3}
        )
    assert callbacks == []  # an edit is not news


def test_recruiter_email_goes_through_ses(applied, recruiter, settings, moto_reset):
    import boto3
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    sender = "alerts@talentmatch.test"
    boto3.client("ses", region_name="us-east-1", endpoint_url=moto_reset).verify_email_identity(
        EmailAddress=sender
    )
    settings.EMAIL_BACKEND = "anymail.backends.amazon_ses.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = sender
    settings.ANYMAIL = {
        "AMAZON_SES_CLIENT_PARAMS": {"region_name": "us-east-1", "endpoint_url": moto_reset}
    }
    [message] = notifications.notify_stage_change(stage_change_id=applied.pk)
    assert tasks.send_message.apply(args=[message.pk]).get() == "sent"
    message.refresh_from_db()
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    assert [m.id for m in sent] == [message.provider_id]
    assert "alice@acme.test" in str(sent[0].destinations)


def test_recruiter_sms_goes_through_sns(applied, recruiter, settings, moto_reset):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    settings.SMS_BACKEND = {
        "BACKEND": "applications.sms.sns.SnsSmsSender",
        "OPTIONS": {"region_name": "us-east-1", "endpoint_url": moto_reset, "sender_id": "Acme"},
    }
    notifications.set_preferences(
        user=recruiter, changes={"new_application": {"sms": True, "email": False}}
    )
    sms_consent(recruiter)
    [sms] = notifications.notify_stage_change(stage_change_id=applied.pk)
    assert tasks.send_message.apply(args=[sms.pk]).get() == "sent"
    sms.refresh_from_db()
    delivered = sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages
    assert delivered[sms.provider_id][0] == "+4915199887766"
    assert delivered[sms.provider_id][1].startswith("Talentmatch: New application for Robot")


# --- The settings page ------------------------------------------------------------------------


def test_the_settings_page_saves_every_box(client, recruiter):
    client.force_login(recruiter)
    url = reverse("applications:notification_settings")
    html = client.get(url).content.decode()
    assert (
        'name="new_application:email" aria-label="New application for your job: Email" checked'
        in html
    )
    assert 'name="mention:sms" aria-label="Mentioned in a note: SMS">' in html
    response = client.post(url, {"action": "save", "mention:email": "on", "mention:sms": "on"})
    assert response.status_code == 302
    prefs = notifications.preferences_of(recruiter)
    assert prefs["mention"] == {"in_app": False, "email": True, "sms": True}
    assert prefs["new_application"] == {"in_app": False, "email": False, "sms": False}
    assert prefs["stage_changed"] == {"in_app": True, "email": True, "sms": False}  # not shown


def test_the_settings_page_records_and_revokes_sms_consent(client, recruiter):
    client.force_login(recruiter)
    url = reverse("applications:notification_settings")
    client.post(url, {"action": "sms_consent", "phone": "+49 151 99887766"})  # box unticked
    assert not SmsConsent.objects.exists()
    client.post(url, {"action": "sms_consent", "phone": "12345", "agree": "on"})
    assert not SmsConsent.objects.exists()
    client.post(url, {"action": "sms_consent", "phone": "+49 151 99887766", "agree": "on"})
    consent = SmsConsent.objects.get(user=recruiter)
    assert (consent.phone, consent.source, consent.ip_address) == (
        "+4915199887766",
        "portal",
        "127.0.0.1",
    )
    assert "Sent to +4915199887766" in client.get(url).content.decode()
    client.post(url, {"action": "sms_revoke"})
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_the_application_page_lists_only_messages_to_the_candidate(client, applied, recruiter):
    notifications.notify_stage_change(stage_change_id=applied.pk)  # alice's alert email
    change = services.move_application(
        application=applied.application, to_stage=stage(applied.application.job, "screening"),
        by=recruiter,
    )  # fmt: skip
    notifications.notify_stage_change(stage_change_id=change.pk)  # carol's stage email
    client.force_login(recruiter)
    application: Application = applied.application
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    log = html[html.index("<h2>Communication</h2>") :]
    assert "carol@example.test" in log and "alice@acme.test" not in log
    assert "New application for Robot Whisperer" not in log
