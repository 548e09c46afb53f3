"""One behavioural suite, run against every search backend through the candidate API.

PostgreSQL runs for real. OpenSearch cannot run here: its requests are checked against the
query shapes written below and answered with recorded responses (jobs/tests/opensearch/), so
for it these tests verify the request contract and the response handling, not the ranking.
"""

from __future__ import annotations

from typing import Any

import pytest

from jobs import services
from jobs.models import Job
from jobs.tests.opensearch_fake import ANY, load_recording
from jobs.tests.search_cases import build_catalogue

pytestmark = pytest.mark.django_db

OPEN = {"term": {"status": "open"}}
AGGS = {
    "workplace": {"terms": {"field": "workplace", "size": 50}},
    "employment_type": {"terms": {"field": "employment_type", "size": 50}},
    "seniority": {"terms": {"field": "seniority", "size": 50}},
    "country": {"terms": {"field": "country", "size": 50}},
    "company": {"terms": {"field": "company_id", "size": 50}},
    "skills": {"terms": {"field": "required_skills", "size": 20}},
}
BY_SCORE = ["_score", {"published_at": "desc"}, {"job_id": "desc"}]
NEWEST = [{"published_at": "desc"}, {"job_id": "desc"}]


def skill_clause(text: str, slug: str) -> dict[str, Any]:
    """A skill named in the query: skills keyword or title/skill names, never descriptions."""
    return {
        "bool": {
            "should": [
                {
                    "multi_match": {
                        "query": text,
                        "fields": ["title^3", "skill_names^2"],
                        "fuzziness": "AUTO",
                        "prefix_length": 1,
                        "operator": "and",
                    }
                },
                {"term": {"skills": {"value": slug, "boost": 3.0}}},
            ],
            "minimum_should_match": 1,
        }
    }


def word_clause(text: str) -> dict[str, Any]:
    return {
        "bool": {
            "should": [
                {
                    "multi_match": {
                        "query": text,
                        "fields": ["title^3", "skill_names^2", "description"],
                        "fuzziness": "AUTO",
                        "prefix_length": 1,
                        "operator": "and",
                    }
                }
            ],
            "minimum_should_match": 1,
        }
    }


def body(must: list, filters: list, sort: list, size: int = 20) -> dict[str, Any]:
    return {
        "query": {"bool": {"must": must or [{"match_all": {}}], "filter": [OPEN, *filters]}},
        "sort": sort,
        "from": 0,
        "size": size,
        "track_total_hits": True,
        "_source": False,
        "aggs": AGGS,
    }


SEARCH_PATH = r"/talentmatch-jobs/_search"


@pytest.fixture(params=["postgres", "opensearch"])
def backend(request, acme, globex):
    catalogue = build_catalogue(acme, globex)
    ids = {name: getattr(catalogue, name).pk for name in catalogue.__dataclass_fields__}
    ids |= {"acme": acme.pk, "globex": globex.pk}
    fake = None
    if request.param == "postgres":
        services.index_jobs(job_ids=Job.objects.values_list("id", flat=True))
    else:
        fake = request.getfixturevalue("fake_opensearch")

    def expect(shape: dict[str, Any], recording: str) -> None:
        """What the OpenSearch backend must send, and the answer it gets."""
        if fake is not None:
            fake.expect("POST", SEARCH_PATH, shape=shape, response=load_recording(recording, ids))

    return request.param, catalogue, expect, fake


def ids_of(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_python_django_ranks_the_django_job_above_the_java_job(backend, api_as, candidate):
    _, catalogue, expect, _ = backend
    expect(
        body([skill_clause("python", "python"), skill_clause("django", "django")], [], BY_SCORE),
        "search_python_django.json",
    )
    ids = ids_of(api_as(candidate).get("/api/v1/jobs/", {"q": "python django"}))
    assert ids[0] == catalogue.django.pk
    assert catalogue.java.pk not in ids


def test_a_typo_still_finds_python_jobs(backend, api_as, candidate):
    _, catalogue, expect, _ = backend
    expect(body([word_clause("pyhton")], [], BY_SCORE), "search_typo.json")
    ids = ids_of(api_as(candidate).get("/api/v1/jobs/", {"q": "pyhton"}))
    assert {catalogue.django.pk, catalogue.data.pk} <= set(ids)


def test_filters_and_newest_first(backend, api_as, candidate):
    _, catalogue, expect, _ = backend
    filters = [{"terms": {"workplace": ["remote"]}}, {"term": {"skills": "python"}}]
    expect(body([], filters, NEWEST), "search_remote_python_newest.json")
    response = api_as(candidate).get(
        "/api/v1/jobs/", {"workplace": "remote", "skills_all": "Python", "sort": "newest"}
    )
    assert ids_of(response) == [catalogue.django.pk, catalogue.data.pk]
    facets = response.json()["facets"]
    assert {b["value"]: b["count"] for b in facets["country"]} == {"DE": 1, "US": 1}
    assert {b["label"] for b in facets["company"]} == {"Acme Robotics", "Globex"}


def test_only_open_jobs_come_back_even_from_a_stale_index(backend, api_as, candidate):
    _, catalogue, expect, _ = backend
    expect(body([], [], NEWEST), "search_all_newest_stale.json")
    response = api_as(candidate).get("/api/v1/jobs/")
    ids = ids_of(response)
    assert set(ids) == {job.pk for job in catalogue.open_jobs}
    assert catalogue.closed.pk not in ids and catalogue.draft.pk not in ids
    workplace = {b["value"]: b["count"] for b in response.json()["facets"]["workplace"]}
    assert workplace == {"onsite": 2, "remote": 2, "hybrid": 1}


def test_posted_within_days_filters_by_date(backend, api_as, candidate):
    name, catalogue, expect, _ = backend
    since = {"range": {"published_at": {"gte": ANY}}}
    expect(body([], [since], NEWEST), "search_all_newest_stale.json")
    ids = ids_of(api_as(candidate).get("/api/v1/jobs/", {"posted_within_days": 30}))
    if name == "postgres":  # the recorded answer cannot know the dates
        assert catalogue.data.pk not in ids


def test_bad_parameters_never_reach_the_backend(backend, api_as, candidate):
    _, _, _, fake = backend
    response = api_as(candidate).get("/api/v1/jobs/", {"sort": "random", "page": "0"})
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"sort", "page"}
    if fake is not None:
        assert fake.requests == []
