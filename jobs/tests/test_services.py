"""Job workflows: lifecycle rules, events, and explicit index updates after commit."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Membership
from analytics.models import Event
from jobs import services
from jobs.models import Job
from jobs.search.base import JobQuery
from jobs.search.postgres import PostgresJobSearch

pytestmark = pytest.mark.django_db


def test_publishing_makes_the_job_searchable_at_once_and_enqueues_indexing_after_commit(
    acme, recruiter, make_job, django_capture_on_commit_callbacks
):
    job = make_job(acme, status=Job.Status.DRAFT, title="Rust Engineer",
                   required_skills=["rust"])  # fmt: skip
    assert PostgresJobSearch().search(JobQuery(q="rust")).total == 0
    with django_capture_on_commit_callbacks() as callbacks:
        services.publish_job(job=job, actor=recruiter)
        # The search tables follow the job inside its transaction (database triggers).
        assert PostgresJobSearch().search(JobQuery(q="rust")).ids == [job.pk]
    # Indexing (typo vocabulary; OpenSearch when selected), and the announcement for matching.
    assert len(callbacks) == 2
    services.index_jobs(job_ids=[job.pk])  # what the enqueued task does
    assert PostgresJobSearch().search(JobQuery(q="rust")).ids == [job.pk]
    event = Event.objects.get(kind="job.published")
    assert (event.actor, event.company, event.subject_id) == (recruiter, acme, str(job.pk))


def test_closing_removes_the_job_from_search(acme, recruiter, make_job):
    job = make_job(acme, title="Rust Engineer", required_skills=["rust"])
    services.index_jobs(job_ids=[job.pk])
    services.close_job(job=job, actor=recruiter)
    services.index_jobs(job_ids=[job.pk])
    assert PostgresJobSearch().search(JobQuery(q="rust")).total == 0
    assert Event.objects.filter(kind="job.closed", payload__status="closed").exists()


def test_a_job_must_be_valid_to_publish(acme, recruiter, make_job):
    job = make_job(acme, status=Job.Status.DRAFT)
    Job.objects.filter(pk=job.pk).update(city="", country="")
    job.refresh_from_db()
    with pytest.raises(ValidationError):
        services.publish_job(job=job, actor=recruiter)


def test_expired_jobs_are_closed(acme, make_job):
    expired = make_job(acme, closes_at=timezone.now() - timedelta(hours=1))
    running = make_job(acme, closes_at=timezone.now() + timedelta(days=3))
    assert services.close_expired_jobs() == 1
    expired.refresh_from_db()
    running.refresh_from_db()
    assert expired.status == Job.Status.CLOSED and running.is_open


def test_delete_needs_an_owner_or_admin_of_the_company(acme, globex, recruiter, teammate,
                                                       other_recruiter, make_job):  # fmt: skip
    job = make_job(acme)
    with pytest.raises(PermissionDenied):
        services.delete_job(job=job, membership=Membership.objects.get(user=teammate))
    with pytest.raises(PermissionDenied):
        services.delete_job(job=job, membership=Membership.objects.get(user=other_recruiter))
    services.delete_job(job=job, membership=Membership.objects.get(user=recruiter))
    assert not Job.objects.exists()
    assert Event.objects.filter(kind="job.deleted").exists()


def test_only_open_jobs_can_be_saved(acme, candidate, make_job):
    draft = make_job(acme, status=Job.Status.DRAFT)
    with pytest.raises(ValidationError):
        services.save_job(user=candidate, job=draft)


def test_the_hiring_team_must_belong_to_the_company(acme, recruiter, other_recruiter):
    with pytest.raises(ValidationError) as exc:
        services.create_job(
            company=acme,
            created_by=recruiter,
            fields={"title": "X", "description": "d", "city": "Paris"},
            hiring_team=[recruiter, other_recruiter],
        )
    assert "charlie@globex.test" in str(exc.value)


def test_publishing_and_closing_announce_the_change_after_commit(
    acme, recruiter, make_job, django_capture_on_commit_callbacks
):
    from jobs.signals import job_changed

    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    job_changed.connect(receiver)
    try:
        job = make_job(acme, status=Job.Status.DRAFT)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.publish_job(job=job, actor=recruiter)
            assert received == []  # nothing before the commit
        for callback in callbacks:
            if getattr(callback, "__qualname__", "").startswith("announce_job_change"):
                callback()
        assert received == [{"signal": job_changed, "job_id": job.pk, "fields": ["status"]}]
    finally:
        job_changed.disconnect(receiver)
