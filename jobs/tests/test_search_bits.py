"""Totals and facet counts from the trigger-kept bitmaps (migration 0004) equal counting the
matching rows, for every kind of filter, and the bit strings grow past the highest job id."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import connection

from jobs import services
from jobs.demo import generate_jobs
from jobs.models import Job
from jobs.search import get_job_search
from jobs.search.base import JobQuery
from jobs.search.postgres import PostgresJobSearch, _tsquery_literal
from jobs.tasks import refresh_search_words_task
from jobs.tests.test_search_tables import assert_bits_exact

pytestmark = pytest.mark.django_db

QUERIES = [
    JobQuery(),
    JobQuery(sort="newest"),
    JobQuery(workplace=("remote",), sort="newest"),
    JobQuery(workplace=("hybrid", "onsite"), seniority=("senior", "lead")),
    JobQuery(seniority=("senior",), employment_type=("full_time",), sort="salary"),
    JobQuery(country="DE"),
    JobQuery(city="BERLIN"),
    JobQuery(country="ZZ"),  # no job has it
    JobQuery(skills_all=("python",)),
    JobQuery(skills_all=("python", "django")),
    JobQuery(skills_all=("python", "no-such-skill")),
    JobQuery(skills_any=("aws", "gcp"), workplace=("remote",)),
    JobQuery(salary_at_least=80000, currency="EUR"),
    JobQuery(salary_at_least=85500, currency="EUR"),  # inside a 10,000 band
    JobQuery(salary_at_least=90000, currency="USD", country="US"),
    JobQuery(q="python"),
    JobQuery(q="engineer", workplace=("remote",), country="GB"),
    JobQuery(q="data engineer", sort="newest"),
    JobQuery(q="kubernetes", skills_any=("aws", "gcp"), facets=False),
    JobQuery(q="the"),  # a stop word matches nothing
    JobQuery(q="designer", offset=20),
    JobQuery(q="designer", offset=190, limit=30),  # across the ranked window's edge
    JobQuery(q="python django", country="DE"),
    JobQuery(q="pipelines excellent"),  # description words
    JobQuery(q="machine learning engineer"),  # a skill of two words: a phrase, by GIN
]


@pytest.fixture
def jobs(acme, globex):
    Job.objects.bulk_create(generate_jobs(companies=[acme, globex], count=300, seed=3))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE jobs_searchrow")


@pytest.mark.parametrize("word_bits", [False, True], ids=["words by GIN", "words by bits"])
def test_bitmap_counts_equal_counting_the_rows(jobs, acme, word_bits):
    search = PostgresJobSearch(counts_cache_size=0)
    if word_bits:  # frequent words counted from their bit strings, rare ones by GIN
        assert search.refresh_word_bits(min_jobs=20) > 20
    assert_bits_exact()
    for query in [*QUERIES, JobQuery(company=acme.pk, sort="newest")]:
        from_bits = search.search(query)
        # A "posted within" filter has no bitmap: those counts come from the rows.
        by_rows = replace(query, posted_within_days=3650)
        from_rows = search.search(by_rows)
        if query.facets or not query.q:  # a total of words alone is a count of their rows
            assert "jobs_searchbits" in search.statement(query)[0]
        assert "jobs_searchbits" not in search.statement(by_rows)[0]
        assert (from_bits.ids, from_bits.total, from_bits.facets) == (
            from_rows.ids,
            from_rows.total,
            from_rows.facets,
        ), query
    assert search.search(JobQuery(country="ZZ")).total == 0
    everything = search.search(JobQuery())
    assert everything.total == 300 and len(everything.facets["skills"]) == 20


def test_bit_strings_grow_past_the_highest_job_id(jobs, acme):
    search = PostgresJobSearch(counts_cache_size=0)
    far = Job.objects.get(pk=Job.objects.order_by("pk").first().pk)
    far.pk = 20000  # past the first capacity (8192 bits)
    far.title = "Quokka Wrangler"
    far.save(force_insert=True)
    assert_bits_exact()
    with connection.cursor() as cursor:
        cursor.execute("SELECT length(bits) FROM jobs_searchbits WHERE key = 'all'")
        assert cursor.fetchone()[0] > 20000
    assert search.search(JobQuery(q="quokka")).ids == [20000]
    assert search.search(JobQuery()).total == 301
    Job.objects.filter(pk=20000).delete()
    assert_bits_exact()
    assert search.search(JobQuery()).total == 300


def word_bits() -> dict[str, str]:
    """Every word key ('head:', 'word:') with its bit string, empty ones included."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, bits::text FROM jobs_searchbits WHERE key ~ '^(head|word):'")
        return dict(cursor.fetchall())


def test_the_set_bits_are_listed_as_job_ids(db):
    with connection.cursor() as cursor:
        for bits, ids in [("", []), ("000", []), ("1", [0]), ("0100110", [1, 4, 5]),
                          ("1" * 70, list(range(70))), ("0" * 9000 + "1", [9000])]:  # fmt: skip
            cursor.execute("SELECT jobs_searchbits_ids(%s::varbit)", [bits])
            assert cursor.fetchone()[0] == ids


def test_the_periodic_refresh_promotes_words_that_became_frequent_and_drops_rare_ones(jobs, acme):
    search = PostgresJobSearch(counts_cache_size=0)
    search.refresh_word_bits(min_jobs=20)
    assert search.update_word_bits(min_jobs=20) == (0, 0)  # nothing changed since
    # A word of no job so far, in 20 new titles and descriptions.
    new = list(generate_jobs(companies=[acme], count=20, seed=11))
    for job in new:
        job.title = f"Quokka {job.title}"
        job.description += " You will care for our quokka colony."
    Job.objects.bulk_create(new)
    # A title word kept since the first refresh falls under 20 open jobs.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, bit_count(bits) FROM jobs_searchbits WHERE key LIKE 'head:%'"
            " AND key <> 'head:quokka' ORDER BY bit_count(bits), key LIMIT 1"
        )
        fading, count = cursor.fetchone()
        cursor.execute(
            "SELECT job_id FROM jobs_searchrow WHERE head @@ %s::tsquery ORDER BY job_id LIMIT %s",
            [_tsquery_literal(fading.removeprefix("head:")), count - 19],
        )
        closing = [row[0] for row in cursor.fetchall()]
    services.close_jobs(jobs=Job.objects.filter(pk__in=closing), actor=None)
    assert {"head:quokka", "word:quokka"}.isdisjoint(word_bits()) and fading in word_bits()

    promoted, dropped = search.update_word_bits(min_jobs=20)

    kept = word_bits()
    assert {"head:quokka", "word:quokka"} <= set(kept) and fading not in kept
    assert promoted >= 2 and dropped >= 1
    assert_bits_exact()  # the new bit strings are exact, and the triggers keep them so
    # The same keys and bits as choosing every word again from scratch.
    search.refresh_word_bits(min_jobs=20)
    assert word_bits() == kept
    assert search.update_word_bits(min_jobs=20) == (0, 0)
    # Searches through the new bit strings count what the rows say.
    for query in (JobQuery(q="quokka"), JobQuery(q="quokka colony", country="DE")):
        by_rows = replace(query, posted_within_days=3650)
        got, expected = search.search(query), search.search(by_rows)
        assert (got.ids, got.total, got.facets) == (expected.ids, expected.total, expected.facets)
    assert search.search(JobQuery(q="quokka")).total == 20


def test_the_beat_task_refreshes_the_words_of_the_configured_backend(jobs, acme, settings):
    settings.JOB_SEARCH = {
        "BACKEND": "jobs.search.postgres.PostgresJobSearch",
        "OPTIONS": {"word_bits_min_jobs": 20},
    }
    schedule = settings.CELERY_BEAT_SCHEDULE["jobs.refresh-search-words"]
    assert schedule["task"] == refresh_search_words_task.name
    assert get_job_search().refresh_word_bits() > 20
    assert refresh_search_words_task() == [0, 0]
    new = list(generate_jobs(companies=[acme], count=20, seed=12))
    for job in new:
        job.title = f"Wombat {job.title}"
    Job.objects.bulk_create(new)

    promoted, dropped = refresh_search_words_task()

    assert promoted >= 1 and dropped == 0 and "head:wombat" in word_bits()
    assert_bits_exact()
