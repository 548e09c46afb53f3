"""Tasks run through a real Celery worker process, on each broker Talentmatch supports."""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts import services
from accounts.models import Invitation
from config.testing import wait_until

pytestmark = pytest.mark.slow


def invitation_mails(folder: Path) -> str:
    return "".join(p.read_text() for p in folder.glob("*.log")) if folder.exists() else ""


def test_invitation_email_is_sent_by_a_worker_on_the_filesystem_broker(
    celery_worker_factory, recruiter, acme, tmp_path
):
    mail_dir = tmp_path / "mail"
    worker = celery_worker_factory(
        env={
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        }
    )
    invitation = services.invite_member(
        company=acme, email="new@acme.test", role="recruiter", invited_by=recruiter
    )
    worker.wait_for(lambda: invitation.token in invitation_mails(mail_dir))
    assert "Join Acme Robotics on Talentmatch" in invitation_mails(mail_dir)


def test_a_task_runs_through_redis(celery_worker_factory, redis_server, recruiter, acme, tmp_path):
    from accounts.tasks import send_invitation_email

    mail_dir = tmp_path / "mail"
    celery_worker_factory(
        broker_url=redis_server,
        env={
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        },
    )
    invitation = Invitation.objects.create(company=acme, email="r@acme.test", invited_by=recruiter)
    with send_invitation_email.app.connection_for_write(redis_server) as connection:
        send_invitation_email.apply_async([invitation.pk], connection=connection)
    wait_until(lambda: invitation.token in invitation_mails(mail_dir), timeout=60)
