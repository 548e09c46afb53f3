"""The OpenSearch backend's indexing and error handling, against the scripted transport."""

import pytest

from jobs import services
from jobs.documents import JobDocument
from jobs.search import get_job_search
from jobs.search.base import JobQuery, SearchUnavailable
from jobs.tests.opensearch_fake import ANY, load_recording
from jobs.tests.search_cases import build_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(acme, globex):
    return build_catalogue(acme, globex)


def test_the_job_index_maps_analyzers_facets_and_a_knn_vector():
    mapping = JobDocument._index.to_dict()
    properties = mapping["mappings"]["properties"]
    assert properties["embedding"] == {"type": "knn_vector", "dimension": 384}
    assert properties["title"]["analyzer"] == "job_text"
    assert properties["skills"] == {"type": "keyword"}
    assert mapping["settings"]["index"]["knn"] is True
    stemmer = mapping["settings"]["analysis"]["filter"]["job_english_stemmer"]
    assert stemmer["language"] == "light_english"  # KStem: "excellent" is not "excel"


def test_ensure_index_creates_it_with_the_mapping(fake_opensearch):
    fake_opensearch.expect("HEAD", "/talentmatch-jobs", status=404)
    fake_opensearch.expect(
        "PUT",
        "/talentmatch-jobs",
        shape={"settings": ANY, "mappings": {"properties": ANY}},
        response=load_recording("index_created.json"),
    )
    get_job_search().ensure_index()
    assert fake_opensearch.requests[1].body["mappings"]["properties"]["embedding"] == {
        "type": "knn_vector",
        "dimension": 384,
    }


def test_indexing_writes_open_jobs_and_deletes_the_others(fake_opensearch, catalogue, acme):
    ids = {
        "django": catalogue.django.pk,
        "draft": catalogue.draft.pk,
        "closed": catalogue.closed.pk,
    }
    document = {
        "job_id": catalogue.django.pk,
        "title": "Senior Django Developer",
        "description": ANY,
        "skill_names": ANY,
        "skills": ["python", "django", "postgresql"],
        "required_skills": ["python", "django"],
        "company_id": acme.pk,
        "company_name": "Acme Robotics",
        "workplace": "remote",
        "employment_type": "full_time",
        "seniority": "senior",
        "country": "DE",
        "city": "",
        "status": "open",
        "salary_currency": "EUR",
        "salary_max_annual": 90000,
        "published_at": ANY,
        "embedding": None,
    }
    fake_opensearch.expect(
        "POST",
        "/_bulk",
        shape=[
            {"index": {"_index": "talentmatch-jobs", "_id": catalogue.django.pk}},
            document,
            {"delete": {"_index": "talentmatch-jobs", "_id": catalogue.draft.pk}},
            {"delete": {"_index": "talentmatch-jobs", "_id": catalogue.closed.pk}},
        ],
        response=load_recording("bulk_index_and_delete.json", ids),
    )
    count = services.index_jobs(
        job_ids=[catalogue.django.pk, catalogue.draft.pk, catalogue.closed.pk]
    )
    assert count == 1
    sent = fake_opensearch.requests[0].body[1]
    assert "Django" in sent["skill_names"] and "PostgreSQL" in sent["skill_names"]


def test_hidden_salaries_are_not_indexed_for_filters(fake_opensearch, catalogue):
    fake_opensearch.expect(
        "POST",
        "/_bulk",
        response={
            "took": 1,
            "errors": False,
            "items": [{"index": {"_id": str(catalogue.data.pk), "status": 201}}],
        },
    )
    services.index_jobs(job_ids=[catalogue.data.pk])
    assert fake_opensearch.requests[0].body[1]["salary_max_annual"] is None


def test_salary_sort_puts_jobs_without_a_visible_salary_last(fake_opensearch, catalogue):
    fake_opensearch.expect(
        "POST",
        "/talentmatch-jobs/_search",
        shape={
            "query": {
                "bool": {
                    "must": [{"match_all": {}}],
                    "filter": [
                        {"term": {"status": "open"}},
                        {"term": {"salary_currency": "EUR"}},
                        {"range": {"salary_max_annual": {"gte": 60000}}},
                    ],
                }
            },
            "sort": [
                {"salary_max_annual": {"order": "desc", "missing": "_last"}},
                {"published_at": "desc"},
                {"job_id": "desc"},
            ],
            "from": 20,
            "size": 10,
            "track_total_hits": True,
            "_source": False,
        },
        response={"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}},
    )
    result = get_job_search().search(
        JobQuery(
            salary_at_least=60000, currency="EUR", sort="salary", offset=20, limit=10, facets=False
        )
    )
    assert result.total == 0 and result.ids == []


def test_an_unavailable_cluster_answers_503(fake_opensearch, api_as, candidate):
    fake_opensearch.expect(
        "POST",
        "/talentmatch-jobs/_search",
        status=503,
        response=load_recording("error_unavailable.json"),
    )
    response = api_as(candidate).get("/api/v1/jobs/", {"q": "python"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "search_unavailable"


def test_an_unavailable_cluster_makes_indexing_retry(fake_opensearch, catalogue):
    fake_opensearch.expect(
        "POST", "/_bulk", status=503, response=load_recording("error_unavailable.json")
    )
    with pytest.raises(SearchUnavailable):
        services.index_jobs(job_ids=[catalogue.django.pk])


def test_a_missing_index_is_an_empty_result(fake_opensearch):
    fake_opensearch.expect(
        "POST",
        "/talentmatch-jobs/_search",
        status=404,
        response=load_recording("error_index_not_found.json"),
    )
    result = get_job_search().search(JobQuery(q="python"))
    assert result.total == 0 and result.facets["skills"] == []
