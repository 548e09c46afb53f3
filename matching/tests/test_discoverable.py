"""Recruiters meet a matched candidate only after the candidate opts in to be discoverable."""

from __future__ import annotations

import pytest
from django.test import Client

from jobs.tests.factories import make_job
from matching.services import match_pair
from resumes.models import CandidateProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_match(acme, candidate):
    profile = CandidateProfile.objects.create(
        user=candidate, full_name="Carol Candidate", skills=["python"], city="Berlin", country="DE"
    )
    job = make_job(acme, required_skills=["python"])
    return match_pair(job=job, candidate=profile)


def recruiter_sees(api_as, recruiter, match) -> list:
    url = f"/api/v1/recruiter/jobs/{match.job_id}/matches/"
    response = api_as(recruiter).get(url)
    assert response.status_code == 200
    return response.json()["results"]


def test_a_candidate_who_did_not_opt_in_is_not_shown_to_recruiters(
    api_as, recruiter, candidate, hidden_match
):
    assert recruiter_sees(api_as, recruiter, hidden_match) == []
    client = Client()
    client.force_login(recruiter)
    fragment = client.get(f"/portal/matches/jobs/{hidden_match.job_id}/").content.decode()
    assert "Carol Candidate" not in fragment
    feedback = client.post(f"/portal/matches/{hidden_match.pk}/feedback/", {"action": "shortlist"})
    assert feedback.status_code == 404
    # The candidate still gets the recommendation.
    mine = api_as(candidate).get("/api/v1/matches/").json()["results"]
    assert [m["job"]["id"] for m in mine] == [hidden_match.job_id]


def test_opting_in_through_the_profile_api_shows_the_candidate(
    api_as, recruiter, candidate, hidden_match
):
    response = api_as(candidate).patch("/api/v1/profile/", {"is_discoverable": True}, format="json")
    assert response.status_code == 200
    assert response.json()["is_discoverable"] is True
    assert len(recruiter_sees(api_as, recruiter, hidden_match)) == 1
