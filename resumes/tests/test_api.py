"""The candidate API: upload, status, list, download, primary, delete, retry, profile."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from resumes.models import CandidateProfile, Resume
from resumes.tests import documents
from resumes.tests.factories import make_resume

pytestmark = pytest.mark.django_db
LIST = "/api/v1/resumes/"


def post_file(client, data: bytes, name: str = "cv.pdf"):
    return client.post(LIST, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def detail(resume: Resume) -> str:
    return f"/api/v1/resumes/{resume.pk}/"


def test_upload_answers_202_with_the_resume_url(api_as, candidate):
    response = post_file(api_as(candidate), documents.sample_pdf())
    assert response.status_code == 202, response.content
    body = response.json()
    resume = Resume.objects.get()
    assert body["status"] == "uploaded"
    assert body["url"].endswith(detail(resume))
    assert response["Location"] == body["url"]
    assert (resume.owner, resume.uploaded_by, resume.company) == (candidate, candidate, None)


def test_uploading_the_same_bytes_again_answers_200_with_the_same_resume(api_as, candidate):
    client = api_as(candidate)
    first = post_file(client, documents.sample_pdf()).json()
    again = post_file(client, documents.sample_pdf(), name="other-name.pdf")
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert Resume.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "name", "status", "code", "words"),
    [
        (b"", "cv.pdf", 400, "empty_file", "empty"),
        (b"MZ\x90\x00" + b"\0" * 64, "cv.pdf", 415, "unsupported_type", "not supported"),
        (documents.sample_pdf()[:300], "cv.pdf", 400, "corrupt_pdf", "damaged"),
        (documents.encrypted_pdf(), "cv.pdf", 400, "encrypted_pdf", "password"),
        (documents.zip_bomb_docx(), "cv.docx", 400, "zip_bomb", "zip bomb"),
        (documents.macro_docx(), "cv.docx", 400, "macros", "macros"),
        (documents.billion_laughs_docx(), "cv.docx", 400, "xml_dtd", "document type"),
        (documents.huge_png_header(), "me.png", 400, "image_too_large", "too large"),
        (
            documents.make_pdf([[(72, 700, "x", 12)]], declared_pages=100_000),
            "cv.pdf",
            400,
            "too_many_pages",
            "100000 pages",
        ),
        (documents.sample_pdf() + documents.make_docx(), "cv.pdf", 415, "polyglot", "ZIP"),
    ],
    ids=[
        "empty",
        "exe",
        "truncated-pdf",
        "encrypted-pdf",
        "zip-bomb",
        "macro",
        "dtd",
        "50k-png",
        "100k",
        "poly",
    ],
)
def test_it_refuses_bad_files_with_a_clear_4xx(api_as, candidate, data, name, status, code, words):
    response = post_file(api_as(candidate), data, name)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert words in error["message"]
    assert Resume.objects.count() == 0


def test_it_refuses_an_oversize_file_with_413(api_as, candidate, settings):
    settings.RESUME_MAX_UPLOAD_BYTES = 2048
    response = post_file(api_as(candidate), documents.sample_pdf() + b" " * 4096)
    assert response.status_code == 413
    assert "limit is" in response.json()["error"]["message"]


def test_a_missing_file_is_a_400(api_as, candidate):
    response = api_as(candidate).post(LIST, {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("file:")


def test_recruiters_upload_through_the_portal_not_the_api(api_as, recruiter):
    assert post_file(api_as(recruiter), documents.sample_pdf()).status_code == 403


def test_anonymous_gets_401(api_as):
    assert api_as(None).get(LIST).status_code == 401
    assert post_file(api_as(None), documents.sample_pdf()).status_code == 401


def test_the_list_holds_only_my_own_resumes(api_as, candidate, other_candidate, acme):
    mine = make_resume(owner=candidate)
    make_resume(owner=other_candidate)
    make_resume(owner=candidate, company=acme)  # sourced by Acme: Acme's, not hers
    body = api_as(candidate).get(LIST).json()
    assert [item["id"] for item in body["results"]] == [str(mine.pk)]


def test_status_polling_shows_the_failure_reason(api_as, candidate):
    resume = make_resume(
        owner=candidate, status="failed", error="The PDF is damaged.", failure_code="damaged_file"
    )
    body = api_as(candidate).get(detail(resume)).json()
    assert (body["status"], body["error"]) == ("failed", "The PDF is damaged.")
    assert body["failure_code"] == "damaged_file"  # for the app's own wording
    assert "parsed" in body


@pytest.mark.parametrize("suffix", ["", "download/"])
def test_other_candidates_and_recruiters_get_404(api_as, candidate, other_candidate, recruiter,
                                                  suffix):  # fmt: skip
    resume = make_resume(owner=candidate)
    assert api_as(other_candidate).get(detail(resume) + suffix).status_code == 404
    assert api_as(recruiter).get(detail(resume) + suffix).status_code == 404


def test_other_candidates_cannot_delete_retry_or_set_primary(api_as, candidate, other_candidate):
    resume = make_resume(owner=candidate, status="failed")
    client = api_as(other_candidate)
    assert client.delete(detail(resume)).status_code == 404
    assert client.post(detail(resume) + "retry/").status_code == 404
    assert client.post(detail(resume) + "primary/").status_code == 404
    resume.refresh_from_db()
    assert resume.status == "failed"


def test_download_streams_my_file_as_an_attachment(api_as, candidate):
    resume = make_resume(owner=candidate, original_name="Carol Résumé.pdf")
    response = api_as(candidate).get(detail(resume) + "download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "Carol%20R%C3%A9sum%C3%A9.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_set_primary(api_as, candidate):
    first = make_resume(owner=candidate, is_primary=True)
    second = make_resume(owner=candidate)
    response = api_as(candidate).post(detail(second) + "primary/")
    assert response.status_code == 200 and response.json()["is_primary"]
    first.refresh_from_db()
    assert not first.is_primary


def test_delete(api_as, candidate):
    resume = make_resume(owner=candidate)
    assert api_as(candidate).delete(detail(resume)).status_code == 204
    assert not Resume.objects.exists()


def test_retry_a_failed_resume_answers_202(api_as, candidate):
    resume = make_resume(owner=candidate, status="failed", error="boom")
    response = api_as(candidate).post(detail(resume) + "retry/")
    assert response.status_code == 202
    assert response.json()["status"] == "uploaded"


def test_retry_a_parsed_resume_is_a_400(api_as, candidate):
    resume = make_resume(owner=candidate)
    response = api_as(candidate).post(detail(resume) + "retry/")
    assert response.status_code == 400
    assert "failed" in response.json()["error"]["message"]


def test_profile_read_and_edit_marks_hand_edited_fields(api_as, candidate):
    client = api_as(candidate)
    assert client.get("/api/v1/profile/").json()["skills"] == []
    response = client.patch(
        "/api/v1/profile/",
        {"headline": "Data engineer", "remote_preference": "remote", "desired_salary_min": 90000},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["headline"] == "Data engineer"
    assert body["edited_fields"] == ["headline"]  # salary and remote are inputs, not parse
    assert CandidateProfile.objects.get(user=candidate).remote_preference == "remote"


def test_profile_refuses_an_inverted_salary_range(api_as, candidate):
    response = api_as(candidate).patch(
        "/api/v1/profile/",
        {"desired_salary_min": 100, "desired_salary_max": 50},
        format="json",
    )
    assert response.status_code == 400


def test_profile_is_for_candidates(api_as, recruiter):
    assert api_as(recruiter).get("/api/v1/profile/").status_code == 403
    assert api_as(None).get("/api/v1/profile/").status_code == 401
