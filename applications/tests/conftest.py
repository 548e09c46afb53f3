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
