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
    """One row per open job, and the rows and bitmaps the triggers left equal a
    recomputation."""
    open_ids = sorted(Job.objects.open().values_list("id", flat=True))
    assert sorted(SearchRow.objects.values_list("job_id", flat=True)) == open_ids
    assert sorted(SearchText.objects.values_list("job_id", flat=True)) == open_ids
    assert_bits_exact()
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


def bitmap_ids() -> dict[str, list[int]]:
    """The job ids whose bit is set, per key of `jobs_searchbits` (empty keys left out)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT length(bits)) FROM jobs_searchbits")
        assert cursor.fetchone()[0] == 1  # every bit string has the same length
        cursor.execute(
            "SELECT key, array_agg(i ORDER BY i) FROM jobs_searchbits,"
            " generate_series(0, length(bits) - 1) i WHERE get_bit(bits, i) = 1 GROUP BY key"
        )
        return dict(cursor.fetchall())


def assert_bits_exact() -> None:
    """The bitmaps the triggers left equal the keys of the open jobs' search rows; word keys
    ('head:', 'word:') only where `jobs_searchbits_refresh_words` made them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT k, array_agg(r.job_id ORDER BY r.job_id) FROM jobs_searchrow r,"
            " unnest(jobs_searchbits_keys(r)) k GROUP BY k"
            " UNION ALL SELECT 'word:' || w, array_agg(t.job_id ORDER BY t.job_id)"
            " FROM jobs_searchtext t, unnest(tsvector_to_array(t.document)) w GROUP BY w"
        )
        computed = dict(cursor.fetchall())
        cursor.execute("SELECT key FROM jobs_searchbits WHERE key ~ '^(head|word):'")
        words = {row[0] for row in cursor.fetchall()}
    got = bitmap_ids()
    for key in words:  # the kept word keys are exact (empty once no open job has the word)
        assert got.get(key, []) == computed.get(key, []), key
    expected = {k: v for k, v in computed.items() if not k.startswith(("head:", "word:"))}
    assert {k: v for k, v in got.items() if k not in words} == expected


def found(q: str = "", **filters: Any) -> list[int]:
    return PostgresJobSearch().search(JobQuery(q=q, **filters)).ids


def test_the_search_tables_follow_every_change_to_jobs(acme, globex, recruiter):
    job = services.create_job(company=acme, created_by=recruiter, fields=FIELDS)
    assert_exact()
    assert found("kubernetes") == []  # a draft is not searchable

    services.publish_job(job=job, actor=recruiter)
    assert_exact()
    assert found("kubernetes") == [job.pk] and found("quokka") == [job.pk]
    # Bit strings for its words from now on: the triggers keep them exact through changes.
    assert PostgresJobSearch().refresh_word_bits(min_jobs=1) > 10
    assert "word:quokka" in bitmap_ids() and "head:platform" in bitmap_ids()
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
    """With the counts cached only the page is read: the same page as counting."""
    now = timezone.now()
    # Newest first: "engineer" only in the description, then a title with it twice, then
    # the best rank for "backend engineer".
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
        for offset in (0, 20, 120, 140, 190)
        for facets in (True, False)
        for country in ("", "DE")
    ]
    for query in queries:
        cached.search(query)  # counts now cached
        expected, got = counted.search(query), cached.search(query)
        assert (got.ids, got.total, got.facets) == (expected.ids, expected.total,
                                                    expected.facets), query  # fmt: skip
    assert "bit_count(s.bits" not in cached.statement(JobQuery(q="engineer"))[0]  # page only
    assert cached.search(JobQuery(q="engineer")).total == 195


def test_relevance_ranks_the_newest_window_then_lists_the_rest_newest_first(acme):
    """Bounded ranking: the newest `rank_window` matches by rank, then older ones by date;
    pages across the window's edge neither repeat nor skip a job."""
    now = timezone.now()
    # Newest first: 30 weak matches ("engineer" only in the description), then 30 strong.
    titles = ["Data Analyst"] * 30 + ["Backend Engineer"] * 30
    jobs = Job.objects.bulk_create(
        [
            Job(company=acme, title=title, country="DE", status=Job.Status.OPEN,
                description="Work with our engineers.", published_at=now - timedelta(hours=i))
            for i, title in enumerate(titles)
        ]
    )  # fmt: skip
    ids = [job.pk for job in jobs]  # newest first
    search = PostgresJobSearch(counts_cache_size=0, rank_window=40)
    everything = search.search(JobQuery(q="engineer", limit=100))
    # In the window (the 40 newest): the 10 strong ones first, then the 30 weak; then the
    # 20 older strong ones, newest first.
    assert everything.ids == ids[30:40] + ids[:30] + ids[40:]
    assert everything.total == 60
    pages = [search.search(JobQuery(q="engineer", limit=7, offset=o)).ids for o in range(0, 60, 7)]
    assert [i for page in pages for i in page] == everything.ids
    ranked_all = PostgresJobSearch(counts_cache_size=0, rank_window=100)
    assert ranked_all.search(JobQuery(q="engineer", limit=100)).ids == ids[30:] + ids[:30]
