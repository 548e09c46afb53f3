"""reindex_jobs, bench_job_search (smoke) and the demo jobs service."""

from io import StringIO

import pytest
from django.core.management import call_command

from analytics.models import Event
from jobs.demo import create_demo_jobs
from jobs.management.commands.bench_job_search import Command as BenchJobSearch
from jobs.models import Job, SearchRow, SearchTerm
from jobs.search.base import JobQuery
from jobs.search.postgres import PostgresJobSearch
from jobs.tests.opensearch_fake import ANY, load_recording
from jobs.tests.search_cases import build_catalogue

pytestmark = pytest.mark.django_db


def test_reindex_jobs_indexes_every_job_in_batches(acme, globex):
    catalogue = build_catalogue(acme, globex)
    out = StringIO()
    call_command("reindex_jobs", "--batch-size", "3", "--backend", "postgres", stdout=out)
    text = out.getvalue()
    assert "7/7" in text and "Indexed 7 jobs (5 open)" in text
    assert Job.objects.filter(indexed_at__isnull=True).count() == 0
    assert SearchTerm.objects.filter(word="kubernetes").exists()  # taxonomy words too
    result = PostgresJobSearch().search(JobQuery(q="figma"))
    assert result.ids == [catalogue.designer.pk]


def test_reindex_jobs_on_opensearch_creates_the_index_and_bulk_loads(acme, globex, fake_opensearch):
    catalogue = build_catalogue(acme, globex)
    fake_opensearch.expect("HEAD", "/talentmatch-jobs", status=200)
    items = [{"index": {"_id": str(job.pk), "status": 201}} for job in catalogue.open_jobs]
    items += [{"delete": {"_id": str(catalogue.draft.pk), "status": 404}},
              {"delete": {"_id": str(catalogue.closed.pk), "status": 404}}]  # fmt: skip
    fake_opensearch.expect(
        "POST", "/_bulk", shape=ANY, response={"took": 5, "errors": True, "items": items}
    )
    out = StringIO()
    call_command("reindex_jobs", "--backend", "opensearch", "--batch-size", "100", stdout=out)
    assert "Indexed 7 jobs (5 open)" in out.getvalue()
    sent = fake_opensearch.requests[1].body
    assert [line for line in sent if "delete" in line] == [
        {"delete": {"_index": "talentmatch-jobs", "_id": catalogue.draft.pk}},
        {"delete": {"_index": "talentmatch-jobs", "_id": catalogue.closed.pk}},
    ]
    assert load_recording("index_created.json")["acknowledged"]


def test_bench_job_search_loads_with_copy_and_measures_every_class(acme):
    """The benchmark's work, on the test database (`handle` runs it in a throwaway one)."""
    out = StringIO()
    command = BenchJobSearch(stdout=out)
    command.lines = []
    command.benchmark({"jobs": 60, "runs": 2, "seed": 7, "explain": True})
    text = out.getvalue()
    assert "60 open jobs loaded (COPY)" in text
    for name in ("a: text, top 20 + total", "b: text + 3 filters", "c: filters + facets",
                 "d: text + facets"):  # fmt: skip
        assert f"{name}" in text and text.count(name) == 2  # cold and cached
    assert "p95/25ms" in text
    assert "typo 'pyhton': found" in text
    assert "Execution Time" in text  # --explain prints the plans
    assert Job.objects.filter(company__slug__startswith="bench-co-").count() == 60
    assert SearchRow.objects.count() == 60  # the triggers indexed what COPY loaded


@pytest.mark.django_db(transaction=True)
def test_bench_job_search_measures_writes_from_one_and_two_connections(acme):
    out = StringIO()
    command = BenchJobSearch(stdout=out)
    command.lines = []
    command.benchmark({"jobs": 40, "runs": 1, "seed": 7, "explain": False, "writes": 3})
    text = out.getvalue()
    assert "writes, 1 connection(s): 6 in total" in text
    assert "writes, 2 connection(s): 12 in total" in text
    assert "two connections write" in text
    assert SearchRow.objects.count() == Job.objects.open().count() == 40  # all reopened


def test_demo_jobs_are_published_through_the_services(acme, recruiter):
    jobs = create_demo_jobs(company=acme, created_by=recruiter, count=3)
    assert len(jobs) == 3 and all(job.is_open for job in jobs)
    assert all(job.required_skills and job.description for job in jobs)
    assert Event.objects.filter(kind="job.published").count() == 3
    assert create_demo_jobs(company=acme, created_by=recruiter) == []  # idempotent
