"""What ends up in the audit log, through real requests: resumes, stages, exports, logins, MFA,
the admin. Every request comes from a known address and browser, which the entry must keep."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.models import Company
from accounts.tests.test_mfa import totp_code
from analytics.models import AuditEntry
from applications.tests.factories import make_application, stage
from conftest import PASSWORD
from jobs.tests.factories import make_job
from resumes.tests.factories import make_resume

pytestmark = pytest.mark.django_db

FROM = {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "AuditTest/1.0 (X11)"}


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def assert_from_the_request(entry: AuditEntry, response) -> None:
    assert entry.ip_address == "203.0.113.7"
    assert entry.user_agent == "AuditTest/1.0 (X11)"
    assert entry.request_id == response["X-Request-ID"]


@pytest.fixture
def alice(client, recruiter):
    client.force_login(recruiter)
    return client


@pytest.fixture
def application(acme, candidate, recruiter):
    job = make_job(acme, title="Robot Whisperer")
    return make_application(company=acme, candidate=candidate, job=job)


def test_a_recruiter_downloading_an_applicants_resume_is_recorded(alice, recruiter, application):
    response = alice.get(reverse("applications:resume", args=[application.pk]), **FROM)

    assert response.status_code == 200
    [entry] = entries("resume.downloaded")
    assert entry.actor == recruiter
    assert entry.actor_email == "alice@acme.test"
    assert entry.company == application.job.company
    assert (entry.target_type, entry.target_id) == ("resumes.resume", str(application.resume.pk))
    assert entry.target_repr == application.resume.original_name
    assert entry.details == {"candidate_id": application.candidate_id}
    assert_from_the_request(entry, response)


def test_opening_an_application_page_records_its_resume_as_viewed(alice, recruiter, application):
    # The page shows the resume (its text or its pages as images).
    response = alice.get(reverse("applications:detail", args=[application.pk]), **FROM)

    assert response.status_code == 200
    [entry] = entries("resume.viewed")
    assert entry.actor == recruiter
    assert entry.company == application.job.company
    assert (entry.target_type, entry.target_id) == ("resumes.resume", str(application.resume.pk))
    assert_from_the_request(entry, response)


def test_viewing_and_downloading_a_sourced_resume_are_recorded(alice, acme, candidate):
    resume = make_resume(owner=candidate, company=acme, original_name="carol.pdf")

    viewed = alice.get(reverse("resumes:detail", args=[resume.pk]), **FROM)
    # The page polls its status with htmx: that shows nothing of the resume, nor is it logged.
    alice.get(reverse("resumes:detail", args=[resume.pk]), HTTP_HX_REQUEST="true", **FROM)
    downloaded = alice.get(reverse("resumes:download", args=[resume.pk]), **FROM)

    [view] = entries("resume.viewed")
    [download] = entries("resume.downloaded")
    assert view.target_id == download.target_id == str(resume.pk)
    assert view.company == download.company == acme
    assert_from_the_request(view, viewed)
    assert_from_the_request(download, downloaded)


def test_a_candidate_downloading_their_own_resume_is_not_recorded(client, candidate):
    resume = make_resume(owner=candidate)
    client.force_login(candidate)

    response = client.get(reverse("api:resume-download", args=[resume.pk]), **FROM)

    assert response.status_code == 200
    assert entries("resume.downloaded") == []


def test_a_stage_change_is_recorded_with_who_and_from_where(alice, recruiter, application):
    job = application.job
    response = alice.post(
        reverse("applications:move", args=[application.pk]),
        {"stage": stage(job, "offer").pk},
        **FROM,
    )

    assert response.status_code == 302
    [entry] = entries("application.stage_changed")
    assert entry.actor == recruiter
    assert entry.company == job.company
    assert (entry.target_type, entry.target_id) == ("applications.application", str(application.pk))
    assert entry.target_repr.endswith("→ offer")
    assert entry.details["to"] == "offer"
    assert entry.details["event_id"]
    assert_from_the_request(entry, response)


def test_an_export_is_recorded(alice, recruiter, acme):
    response = alice.get(
        reverse("analytics:export", kwargs={"dataset": "applications", "fmt": "csv"}), **FROM
    )
    b"".join(response.streaming_content)

    [entry] = entries("analytics.exported")
    assert (entry.actor, entry.company) == (recruiter, acme)
    assert entry.details["dataset"] == "applications"
    assert entry.details["format"] == "csv"
    assert_from_the_request(entry, response)


def test_login_failed_login_and_logout_are_recorded(client, recruiter, acme):
    failed = client.post(
        "/accounts/login/", {"login": "alice@acme.test", "password": "not it"}, **FROM
    )
    unknown = client.post(
        "/accounts/login/", {"login": "mallory@evil.test", "password": "guess"}, **FROM
    )
    login = client.post(
        "/accounts/login/", {"login": recruiter.email, "password": PASSWORD}, **FROM
    )
    logout = client.post("/accounts/logout/", **FROM)

    assert failed.status_code == unknown.status_code == 200  # the form again, with an error
    assert login.status_code == logout.status_code == 302
    first, second = entries("auth.login_failed")
    assert (first.actor, first.actor_email, first.company) == (None, "alice@acme.test", acme)
    assert first.details == {"known_user": True}
    assert (second.actor, second.actor_email, second.company) == (None, "mallory@evil.test", None)
    assert_from_the_request(first, failed)
    [signed_in] = entries("auth.login")
    assert (signed_in.actor, signed_in.company) == (recruiter, acme)
    assert_from_the_request(signed_in, login)
    [signed_out] = entries("auth.logout")
    assert signed_out.actor == recruiter
    assert_from_the_request(signed_out, logout)


def test_enabling_totp_is_recorded(client, recruiter, acme, django_capture_on_commit_callbacks):
    client.force_login(recruiter)
    reauth = client.get("/accounts/2fa/totp/activate/")
    client.post(reauth["Location"], {"password": PASSWORD})
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]

    # allauth announces the new authenticator once its transaction has committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)}, **FROM)

    assert response.status_code == 302
    [enabled] = entries("mfa.enabled")
    totp = Authenticator.objects.get(user=recruiter, type=Authenticator.Type.TOTP)
    assert (enabled.actor, enabled.company) == (recruiter, acme)
    assert (enabled.target_type, enabled.target_id) == ("mfa.authenticator", str(totp.pk))
    assert enabled.details == {"type": "totp"}
    assert_from_the_request(enabled, response)
    # allauth makes recovery codes along with the first authenticator.
    assert [e.details["type"] for e in entries("mfa.recovery_codes_generated")] == [
        "recovery_codes"
    ]


def test_a_change_in_the_admin_is_recorded(client, staff, acme):
    client.force_login(staff)
    url = reverse("admin:accounts_company_change", args=[acme.pk])
    response = client.post(
        url,
        {
            "name": "Acme Robotics Ltd",
            "slug": "acme",
            "website": "",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
        **FROM,
    )

    assert response.status_code == 302, response.content
    assert Company.objects.get(pk=acme.pk).name == "Acme Robotics Ltd"
    [entry] = entries("admin.change")  # once: the after-request sweep sees it is recorded
    assert entry.actor == staff
    assert (entry.target_type, entry.target_id) == ("accounts.company", str(acme.pk))
    assert entry.target_repr == "Acme Robotics Ltd"
    assert entry.details["operation"] == "changed"
    assert "Name" in entry.details["change"]
    assert_from_the_request(entry, response)


def test_a_bulk_deletion_in_the_admin_is_recorded_once_per_object(client, staff, acme, globex):
    # "Delete selected" logs several objects with bulk_create: no post_save, caught afterwards.
    client.force_login(staff)
    response = client.post(
        reverse("admin:accounts_company_changelist"),
        {"action": "delete_selected", "_selected_action": [acme.pk, globex.pk], "post": "yes"},
        **FROM,
    )

    assert response.status_code == 302
    assert not Company.objects.filter(pk__in=[acme.pk, globex.pk]).exists()
    deleted = entries("admin.change")
    assert sorted(e.target_repr for e in deleted) == ["Acme Robotics", "Globex"]
    assert {e.details["operation"] for e in deleted} == {"deleted"}
    assert {e.actor_id for e in deleted} == {staff.pk}
    assert_from_the_request(deleted[0], response)


def test_the_client_ip_comes_from_the_trusted_proxy_only(alice, settings, application):
    url = reverse("applications:resume", args=[application.pk])
    forwarded = {"HTTP_X_FORWARDED_FOR": "198.51.100.9, 192.0.2.1", "REMOTE_ADDR": "10.0.0.2"}

    alice.get(url, **forwarded)  # no proxy trusted: the header is the client's own words
    settings.AUDIT_TRUSTED_PROXY_COUNT = 1
    alice.get(url, **forwarded)  # one load balancer appended the address it saw

    assert [e.ip_address for e in entries("resume.downloaded")] == ["10.0.0.2", "192.0.2.1"]
