"""Match API: a candidate's own matches and fit for one job; a recruiter's ranked candidates."""

from __future__ import annotations

import pytest

from jobs.models import Job
from jobs.tests.factories import make_job
from matching import services
from matching.models import Match
from resumes.models import CandidateProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(people, job) -> Job:
    services.recompute_matches_for_job(job_id=job.pk)
    return job


def test_a_candidate_lists_only_their_own_matches_with_open_jobs(
    api_as, people, matched, acme
) -> None:
    pia = people["pia"]
    closed = make_job(acme, title="Old Django job", status=Job.Status.CLOSED)
    Match.objects.create(job=closed, candidate=pia, score=0.99, inputs_hash="x")
    body = api_as(pia.user).get("/api/v1/matches/").json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["job"]["id"] == matched.pk and row["job"]["company"] == "Acme Robotics"
    assert set(row["components"]) == {"lexical", "semantic", "traditional"}
    evidence = {s["slug"]: s["evidence"] for s in row["explanation"]["matched_required"]}
    assert evidence["django"] == "- Led the Django REST API rewrite"
    assert "kubernetes" in " ".join(row["explanation"]["missing_preferred"]).casefold()
    chef = api_as(people["chef"].user).get("/api/v1/matches/").json()
    assert [r["job"]["id"] for r in chef["results"]] == [matched.pk]
    assert chef["results"][0]["score"] < row["score"]  # the chef sees the chef's own match


def test_the_match_list_validates_min_score(api_as, people) -> None:
    response = api_as(people["pia"].user).get("/api/v1/matches/", {"min_score": "2"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_the_fit_for_one_job_is_computed_at_once_when_missing(api_as, people, job) -> None:
    assert not Match.objects.exists()
    response = api_as(people["pia"].user).get(f"/api/v1/jobs/{job.pk}/match/")
    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] and body["match"]["job"]["id"] == job.pk
    assert body["match"]["explanation"]["missing_required"] == []
    assert Match.objects.filter(job=job, candidate=people["pia"]).exists()


def test_the_fit_says_why_a_filtered_pair_is_not_ranked(api_as, people, job) -> None:
    body = api_as(people["remo"].user).get(f"/api/v1/jobs/{job.pk}/match/").json()
    assert body == {
        "job_id": job.pk,
        "eligible": False,
        "reason": "The candidate only works remotely and this job is not remote.",
        "match": None,
    }


def test_the_fit_needs_a_profile_and_an_open_job(api_as, candidate, people, acme) -> None:
    job = make_job(acme)
    response = api_as(candidate).get(f"/api/v1/jobs/{job.pk}/match/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "profile_missing"
    draft = make_job(acme, status=Job.Status.DRAFT)
    assert api_as(people["pia"].user).get(f"/api/v1/jobs/{draft.pk}/match/").status_code == 404


def test_a_recruiter_reads_the_ranked_candidates_of_their_companys_job(
    api_as, recruiter, teammate, people, matched
) -> None:
    url = f"/api/v1/recruiter/jobs/{matched.pk}/matches/"
    body = api_as(teammate).get(url).json()
    names = [r["candidate"]["name"] for r in body["results"]]
    assert names == ["Pia", "Chef"]
    assert body["results"][0]["llm_verdict"] is None
    only = api_as(recruiter).get(url, {"skills": "Django,PostgreSQL"}).json()
    assert [r["candidate"]["id"] for r in only["results"]] == [people["pia"].pk]
    bad = api_as(recruiter).get(url, {"skills": "not-a-skill-xyz"})
    assert bad.status_code == 400
    berlin = api_as(recruiter).get(url, {"location": "Berlin, Germany"}).json()
    assert [r["candidate"]["name"] for r in berlin["results"]] == ["Pia", "Chef"]
    assert api_as(recruiter).get(url, {"location": "PT"}).json()["results"] == []
    too_long = api_as(recruiter).get(url, {"location": "x" * 201})
    assert too_long.status_code == 400 and "location" in too_long.content.decode()


def test_it_rejects_other_company_recruiter(api_as, other_recruiter, matched) -> None:
    url = f"/api/v1/recruiter/jobs/{matched.pk}/matches/"
    assert api_as(other_recruiter).get(url).status_code == 404


def test_candidates_are_refused_from_the_recruiter_endpoint(api_as, people, matched) -> None:
    url = f"/api/v1/recruiter/jobs/{matched.pk}/matches/"
    response = api_as(people["pia"].user).get(url)
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_recruiter"


def test_recruiters_are_refused_from_the_candidate_endpoints(api_as, recruiter, matched) -> None:
    assert api_as(recruiter).get("/api/v1/matches/").status_code == 403
    assert api_as(recruiter).get(f"/api/v1/jobs/{matched.pk}/match/").status_code == 403


def test_a_recruiter_without_a_second_factor_is_refused_when_it_is_required(
    api_as, recruiter, matched, settings
) -> None:
    settings.REQUIRE_RECRUITER_MFA = True
    response = api_as(recruiter).get(f"/api/v1/recruiter/jobs/{matched.pk}/matches/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "mfa_required"


def test_anonymous_callers_get_401(api, matched) -> None:
    for url in (
        "/api/v1/matches/",
        f"/api/v1/jobs/{matched.pk}/match/",
        f"/api/v1/recruiter/jobs/{matched.pk}/matches/",
    ):
        assert api.get(url).status_code == 401


def test_a_candidate_without_a_profile_has_no_matches(api_as, candidate) -> None:
    assert not CandidateProfile.objects.filter(user=candidate).exists()
    assert api_as(candidate).get("/api/v1/matches/").json()["count"] == 0
