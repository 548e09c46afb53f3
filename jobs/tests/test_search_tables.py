"""The PostgreSQL search tables stay exact: after every change to jobs they hold one row per
open job, equal to a fresh computation, with no queue or task in between."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Membership
from jobs import services
from jobs.models import Job, SearchRow, SearchText
from jobs.search.base import JobQuery
from jobs.search.postgres import PostgresJobSearch

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "Platform Engineer",
    "description": "Run **Kubernetes** clusters for the Quokka platform.",
    "city": "Lisbon",
    "country": "PT",
    "required_skills": ["kubernetes"],
    "preferred_skills": ["terraform"],
    "salary_min": 4000,
    "salary_max": 5000,
    "salary_currency": "EUR",
    "salary_period": Job.SalaryPeriod.MONTH,
}


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM jobs_searchrow ORDER BY job_id")
        rows = cursor.fetchall()
        cursor.execute("SELECT job_id, document::text FROM jobs_searchtext ORDER BY job_id")
        texts = cursor.fetchall()
    return {"rows": rows, "texts": texts}


def assert_exact() -> None:
    """One row per open job, and the rows the triggers left equal a recomputation."""
    open_ids = sorted(Job.objects.open().values_list("id", flat=True))
    assert sorted(SearchRow.objects.values_list("job_id", flat=True)) == open_ids
    assert sorted(SearchText.objects.values_list("job_id", flat=True)) == open_ids
    before = snapshot()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM jobs_searchrow")
        cursor.execute("DELETE FROM jobs_searchtext")
        cursor.execute("SELECT jobs_search_write(%s::bigint[])", [open_ids])
    assert snapshot() == before
    for job in Job.objects.open():
        row = SearchRow.objects.get(job_id=job.pk)
        visible = job.salary_max_annual if job.salary_visible else None
        assert (row.company_id, row.published_at, row.city, row.salary, row.skills) == (
            job.company_id,
            job.published_at,
            job.city.lower(),
            visible,
            job.required_skills + job.preferred_skills,
        )


def found(q: str = "", **filters: Any) -> list[int]:
    return PostgresJobSearch().search(JobQuery(q=q, **filters)).ids


def test_the_search_tables_follow_every_change_to_jobs(acme, globex, recruiter):
    job = services.create_job(company=acme, created_by=recruiter, fields=FIELDS)
    assert_exact()
    assert found("kubernetes") == []  # a draft is not searchable

    services.publish_job(job=job, actor=recruiter)
    assert_exact()
    assert found("kubernetes") == [job.pk] and found("quokka") == [job.pk]
    assert found(salary_at_least=60000, currency="EUR") == [job.pk]  # 5000 a month

    services.update_job(
        job=job, actor=recruiter,
        fields={"title": "Site Reliability Engineer", "salary_visible": False,
                "description": "Observability and incident response."},
    )  # fmt: skip
    assert_exact()
    assert found("reliability") == [job.pk] and found("quokka") == []
    assert found(salary_at_least=60000, currency="EUR") == []  # hidden now

    # Columns search does not read change nothing (and cost no trigger work).
    Job.objects.filter(pk=job.pk).update(embedding_model="test", analysis={"x": 1})
    assert_exact()

    copy = services.duplicate_job(job=job, actor=recruiter)
    services.publish_job(job=copy, actor=recruiter)
    assert_exact()
    assert sorted(found("reliability")) == sorted([job.pk, copy.pk])

    services.close_job(job=job, actor=recruiter)
    assert_exact()
    assert found("reliability") == [copy.pk]

    services.publish_job(job=job, actor=recruiter)  # reopened
    assert_exact()

    # Bulk writes: a multi-row insert (one statement trigger) and a queryset update.
    Job.objects.bulk_create(
        [
            Job(company=globex, title=f"Data Engineer {i}", country="US", status=status,
                description="Spark pipelines for the lakehouse.", published_at=job.published_at)
            for i, status in enumerate([Job.Status.OPEN, Job.Status.DRAFT, Job.Status.OPEN])
        ]
    )  # fmt: skip
    assert_exact()
    assert len(found("lakehouse")) == 2
    Job.objects.filter(company=globex).update(status=Job.Status.ARCHIVED)
    assert_exact()
    assert found("lakehouse") == []

    services.delete_job(job=copy, membership=Membership.objects.get(user=recruiter))
    assert_exact()
    assert found("reliability") == [job.pk]
    Job.objects.all().delete()
    assert_exact()
    assert not SearchRow.objects.exists() and not SearchText.objects.exists()


def test_reindexing_picks_up_a_renamed_company(acme, recruiter, make_job):
    job = make_job(acme, title="Backend Engineer")
    acme.name = "Initech"
    acme.save()
    assert found("initech") == []  # company names are not watched by the triggers
    services.index_jobs(job_ids=[job.pk])
    assert found("initech") == [job.pk]


def test_cached_counts_follow_committed_changes(transactional_db, acme, recruiter, make_job):
    backend = PostgresJobSearch(counts_cache_size=16)
    make_job(acme, title="Backend Engineer", workplace=Job.Workplace.REMOTE, city="")
    first = backend.search(JobQuery(q="engineer"))
    assert first.total == 1 and len(backend.counts_cache._entries) == 1
    again = backend.search(JobQuery(q="engineer"))  # counts from the cache, page from the table
    assert (again.ids, again.total, again.facets) == (first.ids, first.total, first.facets)

    second = make_job(acme, title="Data Engineer")  # committed: the generation moves
    fresh = backend.search(JobQuery(q="engineer"))
    assert fresh.total == 2 and fresh.ids[0] == second.pk
    assert {b.value: b.count for b in fresh.facets["workplace"]} == {"remote": 1, "onsite": 1}
    uncached = PostgresJobSearch(counts_cache_size=0)
    assert fresh.total == uncached.search(JobQuery(q="engineer")).total

    # A transaction that changed jobs sees rows nobody else does: it counts, and caches nothing.
    entries = dict(backend.counts_cache._entries)
    with transaction.atomic():
        services.close_job(job=second, actor=recruiter)
        assert backend.search(JobQuery(q="engineer")).total == 1
    assert backend.counts_cache._entries == entries
    assert backend.search(JobQuery(q="engineer")).total == 1  # after the commit

    # A renamed company changes only the text table; its reindex moves the generation too.
    assert backend.search(JobQuery(q="initech")).total == 0
    acme.name = "Initech"
    acme.save()
    services.index_jobs(job_ids=Job.objects.values_list("id", flat=True))
    assert backend.search(JobQuery(q="initech")).total == 1


def test_pages_from_cached_counts_equal_counted_pages(transactional_db, acme, globex):
    """With the counts cached, a relevance page is the newest rows of the best rank (when
    enough rows share it) or every match ranked again: the same page either way."""
    now = timezone.now()
    # Newest first: "engineer" only in the description, then a title with it twice (the best
    # rank for "engineer", shared by too few rows), then the best rank for "backend engineer".
    titles = ["Data Analyst"] * 60 + ["Engineering Manager, Platform Engineering"] * 5
    titles += ["Backend Engineer"] * 130
    Job.objects.bulk_create(
        [
            Job(company=acme if i % 2 else globex, title=title, country="DE" if i % 3 else "FR",
                description="Work with our engineers." if title == "Data Analyst" else "APIs.",
                status=Job.Status.OPEN, published_at=now - timedelta(hours=i))
            for i, title in enumerate(titles)
        ]
    )  # fmt: skip
    counted, cached = PostgresJobSearch(counts_cache_size=0), PostgresJobSearch()
    queries = [
        JobQuery(q=q, offset=offset, facets=facets, country=country)
        for q in ("engineer", "backend engineer", "engineers apis")
        for offset in (0, 20, 120, 140)
        for facets in (True, False)
        for country in ("", "DE")
    ]
    # Without statistics the window read is too small and every match is ranked again.
    for analyzed in (False, True):
        if analyzed:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE jobs_searchrow")
            cached.counts_cache.clear()
        for query in queries:
            cached.search(query)  # counts now cached
            expected, got = counted.search(query), cached.search(query)
            assert (got.ids, got.total, got.facets) == (expected.ids, expected.total,
                                                        expected.facets), query  # fmt: skip
    assert "::real" in cached.statement(JobQuery(q="backend engineer"))[0]  # newest first
    assert "::real" not in cached.statement(JobQuery(q="engineer"))[0]  # five share the best
    assert cached.search(JobQuery(q="engineer")).total == 195
