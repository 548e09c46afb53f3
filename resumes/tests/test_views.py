"""Recruiter portal: sourced resumes stay within the company that sourced them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from resumes.models import Resume
from resumes.tests import documents
from resumes.tests.factories import make_resume

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def upload(client: Client, data: bytes, name: str = "cv.pdf", email: str = "new@example.test"):
    return client.post(
        "/portal/resumes/upload/",
        {"email": email, "first_name": "Nia", "file": SimpleUploadedFile(name, data)},
    )


def test_a_recruiter_uploads_for_a_sourced_candidate(recruiter, acme):
    response = upload(client_for(recruiter), documents.sample_pdf())
    resume = Resume.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/resumes/{resume.pk}/"
    assert resume.company == acme and resume.uploaded_by == recruiter
    assert resume.owner.email == "new@example.test" and resume.owner.is_candidate


def test_the_upload_form_shows_why_a_file_is_refused(recruiter):
    response = upload(client_for(recruiter), documents.macro_docx(), name="cv.docx")
    assert response.status_code == 400
    assert b"contains macros" in response.content
    assert not Resume.objects.exists()


def test_the_upload_form_refuses_a_recruiter_address(recruiter, teammate):
    response = upload(client_for(recruiter), documents.sample_pdf(), email=teammate.email)
    assert response.status_code == 400
    assert b"recruiter or staff account" in response.content


def test_the_list_shows_only_my_companys_resumes(recruiter, teammate, other_recruiter, candidate,
                                                  acme, globex):  # fmt: skip
    ours = make_resume(owner=candidate, company=acme, original_name="ours.pdf")
    make_resume(owner=candidate, company=globex, original_name="theirs.pdf")
    make_resume(owner=candidate, original_name="hers.pdf")
    for user in (recruiter, teammate):
        page = client_for(user).get("/portal/resumes/")
        assert page.status_code == 200
        assert b"ours.pdf" in page.content
        assert b"theirs.pdf" not in page.content and b"hers.pdf" not in page.content
    page = client_for(other_recruiter).get("/portal/resumes/")
    assert b"theirs.pdf" in page.content and b"ours.pdf" not in page.content
    assert ours.pk


def test_the_list_filters_by_status_for_htmx(recruiter, candidate, acme):
    make_resume(owner=candidate, company=acme, original_name="ok.pdf")
    make_resume(owner=candidate, company=acme, original_name="bad.pdf", status="failed")
    page = client_for(recruiter).get("/portal/resumes/?status=failed", HTTP_HX_REQUEST="true")
    assert b"bad.pdf" in page.content and b"ok.pdf" not in page.content
    assert b"<html" not in page.content


@pytest.mark.parametrize("suffix", ["", "download/"])
def test_another_company_gets_404(other_recruiter, candidate, acme, suffix):
    resume = make_resume(owner=candidate, company=acme)
    assert (
        client_for(other_recruiter).get(f"/portal/resumes/{resume.pk}/{suffix}").status_code == 404
    )


@pytest.mark.parametrize("suffix", ["", "download/"])
def test_a_candidates_own_resume_is_not_in_any_portal(recruiter, candidate, suffix):
    resume = make_resume(owner=candidate)
    assert client_for(recruiter).get(f"/portal/resumes/{resume.pk}/{suffix}").status_code == 404


def test_detail_and_download_for_my_company(teammate, candidate, acme):
    resume = make_resume(owner=candidate, company=acme, status="failed", error="Too blurry.")
    page = client_for(teammate).get(f"/portal/resumes/{resume.pk}/")
    assert page.status_code == 200
    assert b"Too blurry." in page.content and b"Retry" in page.content
    download = client_for(teammate).get(f"/portal/resumes/{resume.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_retry_from_the_portal(recruiter, other_recruiter, candidate, acme):
    resume = make_resume(owner=candidate, company=acme, status="failed")
    assert (
        client_for(other_recruiter).post(f"/portal/resumes/{resume.pk}/retry/").status_code == 404
    )
    response = client_for(recruiter).post(f"/portal/resumes/{resume.pk}/retry/")
    assert response.status_code == 302
    resume.refresh_from_db()
    assert resume.status == "uploaded"


def test_anonymous_is_sent_to_login_and_candidates_are_refused(candidate):
    assert client_for(None).get("/portal/resumes/").status_code == 302
    assert client_for(candidate).get("/portal/resumes/").status_code == 403
