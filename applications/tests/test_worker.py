"""End to end with a real Celery worker: apply and move, then the worker notifies (in-app, the
team's email about the new application, the candidate's email about the move) and delivers the
signed webhooks, retrying a receiver's 500."""

from __future__ import annotations

import json

import pytest

from applications import services
from applications.models import Message, Notification, WebhookDelivery, WebhookEndpoint
from applications.tests.factories import stage
from applications.tests.test_webhooks import Receiver, receiver_verifies
from conftest import make_user
from jobs.tests.factories import make_job
from resumes.tests.factories import make_resume

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_notifies_once_per_transition_and_delivers_webhooks(
    celery_worker_factory, tmp_path, api_as, acme
):
    from accounts.models import Membership, User

    alice = make_user("alice@acme.test", User.Role.RECRUITER, first_name="Alice")
    Membership.objects.create(user=alice, company=acme, role=Membership.Role.OWNER)
    carol = make_user("carol@example.test", User.Role.CANDIDATE, first_name="Carol")
    make_resume(owner=carol, is_primary=True)
    job = make_job(acme, title="Robot Whisperer")
    receiver = Receiver()
    receiver.script = [500]  # the first delivery fails; the worker retries it
    endpoint = WebhookEndpoint.objects.create(
        company=acme, url=receiver.url, events=["application.created", "application.stage_changed"]
    )
    mail_dir = tmp_path / "mail"
    worker = celery_worker_factory(
        env={
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "NOTIFY_RETRY_BASE_SECONDS": "0.5",
            "WEBHOOK_ALLOW_PRIVATE_HOSTS": "1",
        }
    )
    try:
        response = api_as(carol).post("/api/v1/applications/", {"job": job.pk}, format="json")
        assert response.status_code == 201
        from applications.models import Application

        application = Application.objects.get(pk=response.json()["id"])
        change = services.move_application(
            application=application, to_stage=stage(job, "interview"), by=alice
        )

        worker.wait_for(
            lambda: (
                Message.objects.filter(status="sent").count() == 2
                and WebhookDelivery.objects.filter(status="delivered").count() == 2
            )
        )
        assert Notification.objects.filter(recipient=carol).count() == 2  # received + moved
        assert Notification.objects.filter(recipient=alice, kind="new_application").exists()
        message = Message.objects.get(recipient=carol)
        assert message.key == f"stage_change:{change.pk}:email:{carol.pk}"
        alert = Message.objects.get(recipient=alice)
        assert (alert.kind, alert.status) == ("new_application", "sent")
        texts = sorted(f.read_text() for f in mail_dir.iterdir())
        assert len(texts) == 2
        assert any("moved to: Interview" in t and "carol@example.test" in t for t in texts)
        assert any("New application for Robot Whisperer" in t and "alice@acme" in t for t in texts)

        deliveries = WebhookDelivery.objects.order_by("created_at")
        assert sum(d.attempts for d in deliveries) == 3  # one 500, retried with backoff
        assert len(receiver.requests) == 3
        assert all(receiver_verifies(endpoint.secret, r) for r in receiver.requests)
        events = [json.loads(r["body"])["event"] for r in receiver.requests]
        assert sorted(set(events)) == ["application.created", "application.stage_changed"]
    finally:
        receiver.close()
