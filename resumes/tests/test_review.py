"""Low-confidence parsed fields are flagged for review: parser, profile API and portal."""

from __future__ import annotations

import pytest
from django.test import Client

from resumes import services
from resumes.models import Resume
from resumes.parsing.local import LocalResumeParser
from resumes.tests.factories import make_resume

COMPLETE = """Carol Candidate
Backend Engineer
carol@example.test
+1 415 555 0100
San Francisco, CA, USA
Experience
Acme Robotics
Senior Engineer
Jan 2020 - Present
Built the telemetry platform.
Education
University of Lisbon
BSc, Computer Science
2012 - 2016
Skills
Python, Django, PostgreSQL
"""
# No phone, no place, an undated job, no education, skills only as a bare list.
SKETCHY = """carol candidate
carol@example.test
Experience
Did many things for a long time
Worked on robots
"""


def test_a_complete_resume_needs_no_review_of_its_main_fields() -> None:
    parsed = LocalResumeParser().parse(COMPLETE)
    review = parsed.to_dict()["needs_review"]
    assert review == []
    assert parsed.confidence["phone"] > 0.9 and parsed.confidence["location"] > 0.8


def test_missing_and_unsure_fields_are_flagged() -> None:
    parsed = LocalResumeParser().parse(SKETCHY)
    review = parsed.to_dict()["needs_review"]
    assert {"name", "phone", "location", "educations", "skills"} <= set(review)
    assert "email" not in review


@pytest.mark.django_db
def test_the_threshold_is_a_setting(settings) -> None:
    settings.RESUME_REVIEW_CONFIDENCE = 0.0
    assert LocalResumeParser().parse(SKETCHY).to_dict()["needs_review"] == []


def parsed_resume(owner, text: str, **fields) -> Resume:
    """A resume through the real parse step and profile update."""
    primary = fields.get("company") is None  # a company's sourced copy never feeds a profile
    resume = make_resume(
        owner=owner, status=Resume.Status.PARSING, text=text, is_primary=primary, **fields
    )
    services.parse_resume_text(resume_id=str(resume.pk))
    resume.refresh_from_db()
    assert resume.status == Resume.Status.PARSED
    return resume


@pytest.mark.django_db
def test_the_profile_api_lists_fields_to_review_until_the_candidate_edits_them(
    api_as, candidate
) -> None:
    parsed_resume(candidate, SKETCHY)
    client = api_as(candidate)
    review = client.get("/api/v1/profile/").json()["needs_review"]
    assert {"full_name", "phone", "city", "country", "skills", "educations"} <= set(review)
    response = client.patch("/api/v1/profile/", {"city": "Lisbon"}, format="json")
    assert response.status_code == 200
    review = response.json()["needs_review"]
    assert "city" not in review and "country" in review


@pytest.mark.django_db
def test_a_well_parsed_profile_has_little_to_review(api_as, candidate) -> None:
    parsed_resume(candidate, COMPLETE)
    assert api_as(candidate).get("/api/v1/profile/").json()["needs_review"] == []


@pytest.mark.django_db
def test_the_portal_marks_fields_to_check_for_the_recruiter(recruiter, candidate, acme) -> None:
    sketchy = parsed_resume(candidate, SKETCHY, company=acme)
    complete = parsed_resume(candidate, COMPLETE, company=acme)
    client = Client()
    client.force_login(recruiter)
    page = client.get(f"/portal/resumes/{sketchy.pk}/").content.decode()
    assert page.count('class="check-this"') >= 5
    assert "The parser is unsure" in page
    page = client.get(f"/portal/resumes/{complete.pk}/").content.decode()
    name_row = page.split("<dt>Name</dt>")[1].split("</dd>")[0]
    assert "Carol Candidate" in name_row and "check this" not in name_row
