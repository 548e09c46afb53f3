"""The candidate API: open jobs only, validation answers 400, save/unsave is per candidate."""

import pytest

from jobs import services
from jobs.models import Job, SavedJob
from jobs.tests.search_cases import build_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(acme, globex):
    jobs = build_catalogue(acme, globex)
    services.index_jobs(job_ids=Job.objects.values_list("id", flat=True))
    return jobs


def test_anonymous_callers_get_401(api, catalogue):
    assert api.get("/api/v1/jobs/").status_code == 401
    assert api.get(f"/api/v1/jobs/{catalogue.django.pk}/").status_code == 401


def test_the_list_shows_only_open_jobs_with_facets(api_as, candidate, catalogue):
    body = api_as(candidate).get("/api/v1/jobs/").json()
    assert body["count"] == 5
    assert {r["id"] for r in body["results"]} == {j.pk for j in catalogue.open_jobs}
    workplace = {b["value"]: b for b in body["facets"]["workplace"]}
    assert workplace["remote"]["count"] == 2 and workplace["remote"]["label"] == "Remote"
    companies = {b["label"] for b in body["facets"]["company"]}
    assert companies == {"Acme Robotics", "Globex"}
    skills = {b["value"]: b["label"] for b in body["facets"]["skills"]}
    assert skills["python"] == "Python"


def test_a_query_with_a_typo_is_corrected(api_as, candidate, catalogue):
    body = api_as(candidate).get("/api/v1/jobs/", {"q": "pyhton django"}).json()
    assert body["corrected_q"] == "python django"
    assert body["results"][0]["id"] == catalogue.django.pk


def test_recruiters_do_not_see_their_drafts_through_the_candidate_api(api_as, recruiter, catalogue):
    ids = {r["id"] for r in api_as(recruiter).get("/api/v1/jobs/").json()["results"]}
    assert catalogue.draft.pk not in ids
    assert api_as(recruiter).get(f"/api/v1/jobs/{catalogue.draft.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"workplace": "moon"}, "workplace"),
        ({"seniority": "senior,boss"}, "seniority"),
        ({"salary_min": "lots", "currency": "EUR"}, "salary_min"),
        ({"salary_min": "50000"}, "currency"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"sort": "random"}, "sort"),
        ({"skills_all": "python,klingon"}, "skills_all"),
        ({"posted_within_days": "-3"}, "posted_within_days"),
        ({"country": "Germany"}, "country"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_parameters_answer_400_with_a_message(api_as, candidate, catalogue, params, field):
    response = api_as(candidate).get("/api/v1/jobs/", params)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["details"]
    assert error["message"]


def test_filters_sorting_and_pagination(api_as, candidate, catalogue):
    client = api_as(candidate)
    body = client.get(
        "/api/v1/jobs/", {"skills_any": "js,python", "sort": "newest", "page_size": 1}
    ).json()
    assert body["count"] == 2
    assert [r["id"] for r in body["results"]] == [catalogue.django.pk]
    assert body["next"] and "page=2" in body["next"]
    second = client.get(body["next"]).json()
    assert [r["id"] for r in second["results"]] == [catalogue.data.pk]
    assert second["previous"] and second["next"] is None


def test_hidden_salaries_are_not_shown(api_as, candidate, catalogue):
    body = api_as(candidate).get(f"/api/v1/jobs/{catalogue.data.pk}/").json()
    assert body["salary"] is None
    shown = api_as(candidate).get(f"/api/v1/jobs/{catalogue.django.pk}/").json()
    assert shown["salary"] == {"min": 70000, "max": 90000, "currency": "EUR", "period": "year"}


def test_detail_renders_markdown_safely(api_as, candidate, acme, make_job):
    job = make_job(acme, description="**Hi** <script>alert('x')</script>")
    body = api_as(candidate).get(f"/api/v1/jobs/{job.pk}/").json()
    assert "<strong>Hi</strong>" in body["description_html"]
    assert "<script" not in body["description_html"]


def test_closed_and_draft_jobs_answer_404(api_as, candidate, catalogue):
    client = api_as(candidate)
    assert client.get(f"/api/v1/jobs/{catalogue.closed.pk}/").status_code == 404
    assert client.get(f"/api/v1/jobs/{catalogue.draft.pk}/").status_code == 404


def test_a_candidate_saves_and_unsaves_a_job(api_as, candidate, other_candidate, catalogue):
    client = api_as(candidate)
    url = f"/api/v1/jobs/{catalogue.django.pk}/save/"
    assert client.post(url).status_code == 201
    assert client.post(url).status_code == 200  # saving twice is harmless
    listed = client.get("/api/v1/jobs/saved/").json()
    assert [r["id"] for r in listed["results"]] == [catalogue.django.pk]
    assert listed["results"][0]["is_saved"] is True
    detail = client.get(f"/api/v1/jobs/{catalogue.django.pk}/").json()
    assert detail["is_saved"] is True
    # Another candidate sees nothing of it and cannot unsave it.
    assert api_as(other_candidate).get("/api/v1/jobs/saved/").json()["count"] == 0
    assert api_as(other_candidate).delete(url).status_code == 404
    assert client.delete(url).status_code == 204
    assert not SavedJob.objects.exists()


def test_only_candidates_save_and_only_open_jobs(api_as, recruiter, candidate, catalogue):
    assert api_as(recruiter).post(f"/api/v1/jobs/{catalogue.django.pk}/save/").status_code == 403
    assert api_as(None).post(f"/api/v1/jobs/{catalogue.django.pk}/save/").status_code == 401
    assert api_as(candidate).post(f"/api/v1/jobs/{catalogue.draft.pk}/save/").status_code == 404


@pytest.mark.parametrize(
    "q", ["the", "%%%", "c++ c#", "node.js", "'; DROP TABLE jobs_job; --", "a & b | !c", "日本語"]
)
def test_odd_queries_never_fail(api_as, candidate, catalogue, q):
    response = api_as(candidate).get("/api/v1/jobs/", {"q": q})
    assert response.status_code == 200, response.content
    assert response.json()["count"] >= 0


def test_viewing_a_job_records_a_view_for_the_dashboards(api_as, candidate, acme, make_job):
    from analytics.models import Event

    job = make_job(acme, title="Analyst")
    assert api_as(candidate).get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    event = Event.objects.get(kind="job.viewed")
    assert (event.actor, event.company, event.subject_id) == (candidate, acme, str(job.pk))
