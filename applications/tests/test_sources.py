"""Where applications come from: set by the service, claimed through the API, shown and
filtered in the portal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analytics.models import Event
from applications import services
from applications.models import Application
from applications.tests.factories import make_application
from resumes.tests.factories import make_resume

pytestmark = pytest.mark.django_db


def test_an_application_through_the_app_is_direct(application):
    assert application.source == "direct"
    assert application.source_detail == ""


def test_a_candidate_the_company_had_sourced_is_counted_as_sourced(recruiter, acme, candidate, job):
    make_resume(owner=candidate, company=acme)  # a recruiter uploaded Carol's resume earlier
    application = make_application(company=acme, candidate=candidate, job=job)
    assert application.source == "sourced"


def test_another_companys_sourcing_does_not_count(globex, acme, candidate, job):
    make_resume(owner=candidate, company=globex)
    assert make_application(company=acme, candidate=candidate, job=job).source == "direct"


def test_the_api_accepts_a_source_and_its_detail(api_as, candidate, job):
    make_resume(owner=candidate, is_primary=True)
    response = api_as(candidate).post(
        "/api/v1/applications/",
        {"job": job.pk, "source": "job_board", "source_detail": "  linkedin   spring "},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source"], body["source_detail"]) == ("job_board", "linkedin spring")
    row = Application.objects.get(pk=body["id"])
    assert (row.source, row.source_detail) == ("job_board", "linkedin spring")
    created = Event.objects.get(kind="application.created", subject_id=str(row.pk))
    assert created.payload["source"] == "job_board"


@pytest.mark.parametrize("claimed", ["sourced", "newspaper"])
def test_the_api_refuses_a_source_a_candidate_cannot_claim(api_as, candidate, job, claimed):
    make_resume(owner=candidate, is_primary=True)
    response = api_as(candidate).post(
        "/api/v1/applications/", {"job": job.pk, "source": claimed}, format="json"
    )
    assert response.status_code == 400
    assert "source" in response.content.decode()
    assert not Application.objects.exists()


def test_the_service_refuses_an_unknown_source(candidate, job):
    make_resume(owner=candidate, is_primary=True)
    with pytest.raises(services.PipelineError) as refused:
        services.apply_to_job(candidate=candidate, job=job, source="sourced")
    assert refused.value.code == "invalid_source"


def test_the_portal_shows_and_filters_by_source(client, recruiter, acme, job, candidate,
                                                other_candidate):  # fmt: skip
    make_resume(owner=candidate, is_primary=True)
    services.apply_to_job(candidate=candidate, job=job, source="referral", source_detail="Bob")
    direct = make_application(company=acme, candidate=other_candidate, job=job)
    client.force_login(recruiter)
    url = reverse("applications:list", args=[job.pk])
    html = client.get(url).content.decode()
    assert "Referral (1)" in html and "Direct (applied in the app) (1)" in html
    assert "carol@example.test" in html and "dave@example.test" in html
    only_referrals = client.get(url, {"source": "referral"}).content.decode()
    assert "carol@example.test" in only_referrals and "dave@example.test" not in only_referrals
    # An unknown value is ignored rather than hiding everything.
    assert "dave@example.test" in client.get(url, {"source": "bogus"}).content.decode()
    page = client.get(reverse("applications:detail", args=[direct.pk])).content.decode()
    assert "source: Direct (applied in the app)" in page
