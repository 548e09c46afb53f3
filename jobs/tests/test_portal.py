"""Recruiter portal: own company only, validation, lifecycle, suggestions, delete rights."""

import pytest

from analytics.models import Event
from jobs.models import Job

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Platform Engineer",
    "description": "Run **Kubernetes** clusters. 3-5 years of experience with Go.",
    "workplace": "hybrid",
    "city": "Berlin",
    "country": "de",
    "employment_type": "full_time",
    "seniority": "senior",
    "salary_min": "70000",
    "salary_max": "90000",
    "salary_currency": "eur",
    "salary_period": "year",
    "salary_visible": "on",
    "required_skills": "Kubernetes, golang",
    "preferred_skills": "terraform",
    "education": "none",
    "languages": "en, de",
}


def test_anonymous_visitors_are_sent_to_login(client, acme, make_job):
    job = make_job(acme)
    for url in ("/portal/jobs/", "/portal/jobs/new/", f"/portal/jobs/{job.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_candidates_are_refused(client, candidate, acme, make_job):
    job = make_job(acme)
    client.force_login(candidate)
    assert client.get("/portal/jobs/").status_code == 403
    assert client.get(f"/portal/jobs/{job.pk}/").status_code == 403


def test_the_list_shows_own_company_jobs_with_counts(client, recruiter, acme, globex, make_job):
    make_job(acme, title="Acme open")
    make_job(acme, title="Acme draft", status=Job.Status.DRAFT)
    make_job(globex, title="Globex secret")
    client.force_login(recruiter)
    body = client.get("/portal/jobs/").content.decode()
    assert "Acme open" in body and "Acme draft" in body
    assert "Globex secret" not in body
    drafts = client.get("/portal/jobs/", {"status": "draft"}).content.decode()
    assert "Acme draft" in drafts and "Acme open" not in drafts


def test_the_list_filters_with_htmx_partials(client, recruiter, acme, make_job):
    make_job(acme, title="Remote Rustacean", workplace="remote", city="")
    make_job(acme, title="Office Welder")
    client.force_login(recruiter)
    response = client.get("/portal/jobs/", {"workplace": "remote"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert "Remote Rustacean" in body and "Office Welder" not in body


@pytest.mark.parametrize(
    "url", ["/", "/edit/", "/analysis/", "/delete/"], ids=["detail", "edit", "analysis", "delete"]
)
def test_another_companys_job_is_404(client, other_recruiter, acme, make_job, url):
    job = make_job(acme)
    client.force_login(other_recruiter)
    assert client.get(f"/portal/jobs/{job.pk}{url}").status_code == 404


@pytest.mark.parametrize("action", ["publish", "close", "duplicate", "delete", "edit"])
def test_another_company_cannot_change_a_job(client, other_recruiter, acme, make_job, action):
    job = make_job(acme)
    client.force_login(other_recruiter)
    assert client.post(f"/portal/jobs/{job.pk}/{action}/", VALID).status_code == 404
    job.refresh_from_db()
    assert job.status == Job.Status.OPEN and job.title == "Backend Engineer"


def test_a_recruiter_creates_a_draft_and_publishes_it(
    client, recruiter, teammate, acme, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)
    data = {**VALID, "hiring_team": [teammate.pk]}
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/portal/jobs/new/", data)
    assert response.status_code == 302, response.content.decode()
    job = Job.objects.get()
    assert response["Location"] == f"/portal/jobs/{job.pk}/"
    assert job.status == Job.Status.DRAFT and job.company == acme
    assert job.required_skills == ["kubernetes", "go"]
    assert job.country == "DE" and job.salary_currency == "EUR"
    assert job.languages == ["en", "de"]
    assert list(job.hiring_team.all()) == [teammate]
    assert job.analysis_status == Job.AnalysisStatus.PENDING
    assert len(callbacks) == 2  # analysis and index, after commit

    response = client.post(f"/portal/jobs/{job.pk}/publish/")
    job.refresh_from_db()
    assert job.status == Job.Status.OPEN and job.published_at
    response = client.post(f"/portal/jobs/{job.pk}/close/", {"status": "filled"})
    job.refresh_from_db()
    assert job.status == Job.Status.FILLED and job.closed_at
    kinds = list(Event.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["job.created", "job.published", "job.closed"]


def test_validation_errors_are_shown_on_the_form(client, recruiter):
    client.force_login(recruiter)
    data = {
        **VALID,
        "salary_min": "90000",
        "salary_max": "50000",
        "years_min": "8",
        "years_max": "2",
        "required_skills": "Python, Klingon",
        "remote_timezones": "Mars/Olympus",
        "country": "Germany",
    }
    response = client.post("/portal/jobs/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Klingon" in errors["required_skills"][0]
    assert "Mars/Olympus" in errors["remote_timezones"][0]
    assert errors["country"]
    assert not Job.objects.exists()
    data = {**VALID, "salary_min": "90000", "salary_max": "50000", "years_min": "8",
            "years_max": "2"}  # fmt: skip
    errors = client.post("/portal/jobs/new/", data).context["form"].errors
    assert "at least the minimum" in errors["salary_max"][0]
    assert "at least the minimum" in errors["years_max"][0]


def test_onsite_jobs_need_a_place_and_skills_are_listed_once(client, recruiter):
    client.force_login(recruiter)
    data = {**VALID, "workplace": "onsite", "city": "", "country": "",
            "preferred_skills": "k8s"}  # fmt: skip
    errors = client.post("/portal/jobs/new/", data).context["form"].errors
    assert "city" in errors
    assert "Already required" in errors["preferred_skills"][0]


def test_editing_records_an_event_and_keeps_the_status(client, recruiter, acme, make_job):
    job = make_job(acme)
    client.force_login(recruiter)
    response = client.post(f"/portal/jobs/{job.pk}/edit/", {**VALID, "title": "Renamed"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.title == "Renamed" and job.status == Job.Status.OPEN
    event = Event.objects.get(kind="job.updated")
    assert "title" in event.payload["fields"]


def test_suggestions_are_accepted_or_dismissed_in_the_form(client, recruiter, acme, make_job):
    job = make_job(acme, required_skills=["python"])
    job.analysis = {
        "digest": "x",
        "skills": [
            {"slug": "docker", "name": "Docker", "evidence": "Docker"},
            {"slug": "aws", "name": "AWS", "evidence": "AWS"},
            {"slug": "sql", "name": "SQL", "evidence": "SQL"},
        ],
        "years_min": 3,
        "years_max": 5,
        "rejected": [],
    }
    job.analysis_status = Job.AnalysisStatus.DONE
    job.save()
    client.force_login(recruiter)
    page = client.get(f"/portal/jobs/{job.pk}/edit/").content.decode()
    assert "suggestion_docker" in page and "use_suggested_years" in page
    data = {
        **VALID,
        "required_skills": "Python",
        "preferred_skills": "",
        "suggestion_docker": "required",
        "suggestion_aws": "reject",
        "suggestion_sql": "",
        "use_suggested_years": "on",
    }
    response = client.post(f"/portal/jobs/{job.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    job.refresh_from_db()
    assert job.required_skills == ["python", "docker"]
    assert (job.years_min, job.years_max) == (3, 5)
    assert [s["slug"] for s in job.analysis["skills"]] == ["sql"]
    assert job.analysis["rejected"] == ["aws"]


def test_duplicate_makes_a_draft_copy(client, teammate, acme, make_job):
    job = make_job(acme, required_skills=["python"])
    client.force_login(teammate)
    response = client.post(f"/portal/jobs/{job.pk}/duplicate/")
    copy = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == f"/portal/jobs/{copy.pk}/edit/"
    assert copy.status == Job.Status.DRAFT and copy.required_skills == ["python"]
    assert copy.title == "Backend Engineer (copy)"


def test_only_owners_and_admins_delete(client, recruiter, teammate, acme, make_job):
    job = make_job(acme)
    client.force_login(teammate)
    assert client.get(f"/portal/jobs/{job.pk}/delete/").status_code == 403
    assert client.post(f"/portal/jobs/{job.pk}/delete/").status_code == 403
    assert Job.objects.filter(pk=job.pk).exists()
    client.force_login(recruiter)
    assert client.post(f"/portal/jobs/{job.pk}/delete/").status_code == 302
    assert not Job.objects.filter(pk=job.pk).exists()


def test_the_job_page_renders_markdown_without_scripts(client, recruiter, acme, make_job):
    job = make_job(acme, description="Hello **team**\n\n<script>alert('x')</script>")
    client.force_login(recruiter)
    body = client.get(f"/portal/jobs/{job.pk}/").content.decode()
    assert "<strong>team</strong>" in body
    assert "<script>alert" not in body
    assert 'id="ranked-candidates"' in body and 'id="pipeline"' in body


def test_a_draft_cannot_be_closed_nor_an_open_job_published(client, recruiter, acme, make_job):
    draft = make_job(acme, status=Job.Status.DRAFT)
    client.force_login(recruiter)
    client.post(f"/portal/jobs/{draft.pk}/close/")
    draft.refresh_from_db()
    assert draft.status == Job.Status.DRAFT
    open_job = make_job(acme)
    published_at = open_job.published_at
    client.post(f"/portal/jobs/{open_job.pk}/publish/")
    open_job.refresh_from_db()
    assert open_job.published_at == published_at
