from __future__ import annotations

import pytest

from applications.tests.factories import make_application
from jobs.tests.factories import make_job


@pytest.fixture
def job(acme):
    return make_job(acme, title="Robot Whisperer", required_skills=["python"])


@pytest.fixture
def application(job, acme, candidate, recruiter):
    return make_application(company=acme, candidate=candidate, job=job)


@pytest.fixture(autouse=True)
def _webhooks_to_loopback(settings):
    """Test receivers listen on 127.0.0.1, which production refuses (SSRF guard)."""
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True


@pytest.fixture(autouse=True)
def _empty_broker(settings):
    """Each test starts on an empty broker, as on an empty database. This process's filesystem
    broker outlives tests: what earlier tests published (for rows rolled back or flushed since)
    would wait ahead of this test's own tasks in a worker it starts, which takes one message per
    poll (a second each): 60 of them were enough to time the board's browser test out."""
    from config.celery import app

    with app.connection_for_write() as connection:
        for queue in settings.WORKER_QUEUES:
            connection.default_channel.queue_purge(queue)
