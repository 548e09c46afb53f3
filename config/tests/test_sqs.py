"""Amazon SQS, the AWS broker: a real worker on kombu's SQS transport against moto's server."""

from __future__ import annotations

import uuid
from pathlib import Path

import boto3
import pytest

from accounts.models import Invitation
from config.settings import sqs_transport_options
from config.testing import wait_until

pytestmark = pytest.mark.slow

BROKER_URL = "sqs://testing:testing@"


def invitation_mails(folder: Path) -> str:
    return "".join(p.read_text() for p in folder.glob("*.log")) if folder.exists() else ""


def queue_depth(sqs, queue_url: str) -> int:
    """Messages waiting plus messages received but not yet deleted (acknowledged)."""
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)["Attributes"]
    return sum(int(attributes[name]) for name in names)


def test_a_task_runs_through_sqs(
    moto_reset, monkeypatch, celery_worker_factory, recruiter, acme, tmp_path
):
    from accounts.tasks import send_invitation_email

    # boto3 reads the endpoint from AWS_ENDPOINT_URL_SQS: kombu has no option for it.
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", moto_reset)
    prefix = f"tm-{uuid.uuid4().hex[:8]}-"
    mail_dir = tmp_path / "mail"
    celery_worker_factory(
        broker_url=BROKER_URL,
        queues="default",
        env={
            "CELERY_SQS_QUEUE_PREFIX": prefix,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        },
    )
    sqs = boto3.client("sqs", region_name="us-east-1")
    queue_url = sqs.get_queue_url(QueueName=f"{prefix}default")["QueueUrl"]

    invitation = Invitation.objects.create(company=acme, email="s@acme.test", invited_by=recruiter)
    options = sqs_transport_options(region="us-east-1", queue_name_prefix=prefix)
    app = send_invitation_email.app
    with app.connection_for_write(BROKER_URL, transport_options=options) as connection:
        send_invitation_email.apply_async([invitation.pk], connection=connection)

    wait_until(lambda: invitation.token in invitation_mails(mail_dir), timeout=60)
    # acks_late: the message is deleted once the task has run.
    wait_until(lambda: queue_depth(sqs, queue_url) == 0, timeout=15)


@pytest.mark.django_db
def test_readyz_checks_an_sqs_broker(client, settings, moto_reset, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", moto_reset)
    settings.CELERY_BROKER_URL = BROKER_URL
    response = client.get("/readyz")
    assert response.json()["checks"]["broker"] == "ok"
