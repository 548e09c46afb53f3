"""JSON Resume import and export (API and command), and the reprocess command."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from accounts.models import User
from resumes import services
from resumes.jsonresume import export_jsonresume
from resumes.models import CandidateProfile
from resumes.tests.factories import make_resume

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "basics": {
        "name": "Zoë Müller",
        "label": "Data Engineer",
        "email": "zoe@example.test",
        "phone": "+351 912 345 678",
        "url": "https://zoe.example.test",
        "summary": "Builds data platforms.",
        "location": {"city": "Lisbon", "countryCode": "PT"},
        "profiles": [{"network": "GitHub", "url": "https://github.com/zoe"}],
    },
    "work": [
        {
            "name": "Acme Robotics",
            "position": "Senior Engineer",
            "startDate": "2020-01-15",
            "highlights": ["Built the telemetry platform"],
        },
        {"name": "Globex", "position": "Engineer", "startDate": "2016-03", "endDate": "2019-12"},
    ],
    "education": [
        {
            "institution": "University of Lisbon",
            "area": "Computer Science",
            "studyType": "BSc",
            "startDate": "2012",
            "endDate": "2016",
        },
    ],
    "skills": [{"name": "Backend", "keywords": ["Python", "PostgreSQL", "not-a-real-skill-xyz"]}],
    "languages": [{"language": "Portuguese", "fluency": "Native"}],
}


def test_import_fills_the_profile_and_marks_it_hand_entered(candidate):
    from resumes.jsonresume import import_jsonresume

    profile = import_jsonresume(user=candidate, document=DOCUMENT)
    assert (profile.full_name, profile.headline, profile.city, profile.country) == (
        "Zoë Müller", "Data Engineer", "Lisbon", "PT",
    )  # fmt: skip
    assert profile.links == ["https://zoe.example.test", "https://github.com/zoe"]
    assert profile.experiences[0] == {
        "title": "Senior Engineer", "company": "Acme Robotics", "location": "",
        "start": "2020-01", "end": None, "is_current": True,
        "description": "Built the telemetry platform",
    }  # fmt: skip
    assert profile.experiences[1]["end"] == "2019-12" and not profile.experiences[1]["is_current"]
    assert profile.educations[0]["degree"] == "BSc"
    assert {"python", "postgresql"} <= set(profile.skills)
    assert profile.languages == ["Portuguese"]
    assert "skills" in profile.edited_fields and "full_name" in profile.edited_fields


def test_a_parse_does_not_overwrite_imported_fields(candidate):
    from resumes.jsonresume import import_jsonresume

    import_jsonresume(user=candidate, document=DOCUMENT)
    resume = make_resume(owner=candidate, is_primary=True)
    resume.parsed = {"name": "Someone Else", "skill_slugs": [], "summary": "", "headline": ""}
    resume.save()
    services.update_profile_from_resume(resume=resume)
    assert CandidateProfile.objects.get(user=candidate).full_name == "Zoë Müller"


def test_export_round_trips(candidate):
    from resumes.jsonresume import import_jsonresume

    profile = import_jsonresume(user=candidate, document=DOCUMENT)
    exported = export_jsonresume(profile)
    assert exported["basics"]["email"] == candidate.email
    assert exported["work"][0]["position"] == "Senior Engineer"
    assert exported["work"][0]["endDate"] == ""
    assert {"name": "Python"} in exported["skills"]
    again = User.objects.create_user(email="again@example.test", role=User.Role.CANDIDATE)
    reimported = import_jsonresume(user=again, document=exported)
    assert reimported.experiences == profile.experiences
    assert set(reimported.skills) == set(profile.skills)


def test_the_api_imports_and_exports(api_as, candidate):
    client = api_as(candidate)
    response = client.post("/api/v1/profile/jsonresume/", DOCUMENT, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["headline"] == "Data Engineer"
    exported = client.get("/api/v1/profile/jsonresume/").json()
    assert exported["basics"]["name"] == "Zoë Müller"


def test_the_api_refuses_a_malformed_document(api_as, candidate):
    response = api_as(candidate).post(
        "/api/v1/profile/jsonresume/", {"work": "not a list"}, format="json"
    )
    assert response.status_code == 400
    assert "'work' must be a list" in response.json()["error"]["message"]


def test_the_import_command_reads_a_folder(tmp_path, capsys):
    (tmp_path / "zoe.json").write_text(json.dumps(DOCUMENT), encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    call_command("import_jsonresume", str(tmp_path))
    out = capsys.readouterr()
    assert "Imported 1, failed 1." in out.out
    assert "broken.json" in out.err
    zoe = User.objects.get(email="zoe@example.test")
    assert zoe.is_candidate and zoe.candidate_profile.headline == "Data Engineer"


def test_reprocess_command_requeues_failed_resumes(candidate, capsys):
    failed = make_resume(owner=candidate, status="failed", error="boom")
    parsed = make_resume(owner=candidate)
    call_command("reprocess_resumes", "--status", "failed")
    failed.refresh_from_db()
    parsed.refresh_from_db()
    assert (failed.status, failed.error) == ("uploaded", "")
    assert parsed.status == "parsed"
    assert "Queued 1 resume(s)" in capsys.readouterr().out
