"""Staff admin: lists with filters and search, a readable resume, re-extract and re-parse."""

from __future__ import annotations

import pytest
from django.test import Client

from resumes.models import Resume
from resumes.tests.factories import make_resume

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for_staff(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def test_the_resume_list_filters_and_searches(admin_client_for_staff, candidate):
    make_resume(owner=candidate, original_name="good.pdf")
    make_resume(owner=candidate, original_name="bad.pdf", status="failed")
    page = admin_client_for_staff.get("/admin/resumes/resume/?status__exact=failed")
    assert page.status_code == 200
    assert b"bad.pdf" in page.content and b"good.pdf" not in page.content
    page = admin_client_for_staff.get("/admin/resumes/resume/?q=carol@example")
    assert b"good.pdf" in page.content


def test_the_change_page_shows_text_and_parse_escaped(admin_client_for_staff, candidate):
    resume = make_resume(owner=candidate, text="<script>x</script> Carol", parsed={"name": "Carol"})
    page = admin_client_for_staff.get(f"/admin/resumes/resume/{resume.pk}/change/")
    assert page.status_code == 200
    assert b"&lt;script&gt;x&lt;/script&gt; Carol" in page.content
    assert b"&quot;name&quot;: &quot;Carol&quot;" in page.content


def test_actions_reextract_and_reparse(admin_client_for_staff, candidate):
    done = make_resume(owner=candidate, text="Carol Candidate")
    failed = make_resume(owner=candidate, status="failed")
    admin_client_for_staff.post(
        "/admin/resumes/resume/",
        {"action": "reextract", "_selected_action": [str(failed.pk)]},
    )
    failed.refresh_from_db()
    assert failed.status == Resume.Status.UPLOADED
    response = admin_client_for_staff.post(
        "/admin/resumes/resume/",
        {"action": "reparse", "_selected_action": [str(done.pk), str(failed.pk)]},
        follow=True,
    )
    done.refresh_from_db()
    assert done.status == Resume.Status.PARSING
    assert b"no extracted text yet" in response.content


def test_the_profile_admin_lists(admin_client_for_staff, candidate):
    from resumes.models import CandidateProfile

    CandidateProfile.objects.create(user=candidate, full_name="Carol Candidate")
    page = admin_client_for_staff.get("/admin/resumes/candidateprofile/?q=carol")
    assert page.status_code == 200 and b"Carol Candidate" in page.content
