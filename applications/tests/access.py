"""Access expectations for applications' routes (format: config/tests/access.py).

Objects belong to Acme (alice `recruiter`, bob `teammate`) and carol (`candidate`); charlie
(`other_recruiter`, Globex) and dave (`other_candidate`) are the outsiders.
"""

from __future__ import annotations

from typing import Any

from config.tests.access import Case, World, expect
from jobs.tests.factories import make_job


def carols_application(world: World):
    from applications.tests.factories import make_application

    return make_application(company=world.acme, candidate=world.candidate)


def application_pk(world: World) -> dict[str, Any]:
    return {"pk": carols_application(world).pk}


def first_resume_page(world: World) -> dict[str, Any]:
    return {"pk": carols_application(world).pk, "page": 1}


def open_job(world: World) -> dict[str, Any]:
    return {"job": make_job(world.acme).pk}


CANDIDATES = expect(403, anonymous=401, candidate=200, other_candidate=200)
CAROL_ONLY = expect(403, anonymous=401, candidate=200, other_candidate=404)
SIGNED_IN = expect(200, anonymous=401)

API_CASES = [
    Case("api:application-list", expect=CANDIDATES),
    Case(
        "api:application-list",
        method="POST",
        data=open_job,
        content_type="application/json",
        expect=expect(403, anonymous=401, candidate=201, other_candidate=201),
        label="apply",
    ),
    Case("api:application-detail", kwargs=application_pk, expect=CAROL_ONLY),
    Case("api:application-questions", data=open_job, expect=SIGNED_IN),
    Case(
        "api:application-withdraw",
        method="POST",
        kwargs=application_pk,
        content_type="application/json",
        expect=CAROL_ONLY,
    ),
    Case("api:notification-list", expect=SIGNED_IN),
    Case(
        "api:notification-read",
        method="POST",
        data={},
        content_type="application/json",
        expect=SIGNED_IN,
    ),
    Case("api:notification-preferences", expect=SIGNED_IN),
    Case(
        "api:notification-preferences",
        method="PUT",
        # Empty: the kinds differ by role (test_api covers which); every signed-in user may save.
        data={"preferences": {}},
        expect=SIGNED_IN,
        label="update",
    ),
    Case(
        "api:sms-consent",
        method="POST",
        data={"phone": "+4915112345678"},
        content_type="application/json",
        expect=expect(403, anonymous=401, candidate=201, other_candidate=201),
    ),
    Case(
        "api:sms-consent",
        method="DELETE",
        expect=expect(403, anonymous=401, candidate=204, other_candidate=204),
        label="revoke",
    ),
]


def acme_job_id(world: World) -> dict[str, Any]:
    return {"job_id": make_job(world.acme).pk}


def interview_scorecard(world: World) -> dict[str, Any]:
    from applications.tests.factories import stage

    application = carols_application(world)
    return {"pk": application.pk, "stage_id": stage(application.job, "interview").pk}


def acme_endpoint(world: World) -> dict[str, Any]:
    from applications.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        company=world.acme, url="https://hooks.example.test/x", events=["application.created"]
    )
    return {"pk": endpoint.pk}


MANAGERS = expect(403, anonymous=302, recruiter=200, other_recruiter=200)
ACME_MANAGERS = expect(403, anonymous=302, recruiter=200, other_recruiter=404)

# Recruiter portal: Acme's pages; charlie (Globex) gets 404, non-recruiters 403.
ACME_PAGE = expect(403, anonymous=302, recruiter=200, teammate=200, other_recruiter=404)
ACME_ACTION = expect(403, anonymous=302, recruiter=302, teammate=302, other_recruiter=404)
PORTAL = expect(403, anonymous=302, recruiter=200, teammate=200, other_recruiter=200)
PORTAL_POST = expect(403, anonymous=302, recruiter=302, teammate=302, other_recruiter=302)

PORTAL_CASES = [
    Case("applications:board", kwargs=acme_job_id, expect=ACME_PAGE),
    Case("applications:list", kwargs=acme_job_id, expect=ACME_PAGE),
    Case(
        "applications:list",
        method="POST",
        kwargs=acme_job_id,
        data={"action": "move"},
        expect=ACME_PAGE,  # invalid form re-shown for Acme; 404 for others
        label="bulk",
    ),
    Case("applications:detail", kwargs=application_pk, expect=ACME_PAGE),
    Case("applications:resume", kwargs=application_pk, expect=ACME_PAGE),
    Case("applications:resume_page", kwargs=first_resume_page, expect=ACME_PAGE),
    Case("applications:move", method="POST", kwargs=application_pk, expect=ACME_ACTION),
    Case("applications:reopen", method="POST", kwargs=application_pk, expect=ACME_ACTION),
    Case(
        "applications:note",
        method="POST",
        kwargs=application_pk,
        data={"body": "hello"},
        expect=ACME_ACTION,
    ),
    Case(
        "applications:scorecard",
        method="POST",
        kwargs=interview_scorecard,
        data={},
        expect=ACME_ACTION,
    ),
    Case("applications:stages", expect=PORTAL),
    Case(
        "applications:stages",
        method="POST",
        data={"action": "add", "name": "Take-home"},
        # Owners and admins change the pipeline; bob is a plain recruiter.
        expect=expect(403, anonymous=302, recruiter=302, other_recruiter=302),
        label="add",
    ),
    Case("applications:job_stages", kwargs=acme_job_id, expect=ACME_PAGE),
    Case(
        "applications:job_stages",
        method="POST",
        kwargs=acme_job_id,
        data={"action": "customise"},
        expect=expect(403, anonymous=302, recruiter=302, other_recruiter=404),
        label="customise",
    ),
    Case("applications:webhooks", expect=MANAGERS),
    Case(
        "applications:webhooks",
        method="POST",
        data={"url": "https://hooks.example.test/x", "events": ["application.created"]},
        expect=expect(403, anonymous=302, recruiter=302, other_recruiter=302),
        label="add",
    ),
    Case("applications:webhook", kwargs=acme_endpoint, expect=ACME_MANAGERS),
    Case(
        "applications:webhook",
        method="POST",
        kwargs=acme_endpoint,
        data={"action": "toggle"},
        expect=expect(403, anonymous=302, recruiter=302, other_recruiter=404),
        label="toggle",
    ),
    Case("applications:bell", expect=PORTAL),
    Case("applications:notifications_read", method="POST", expect=PORTAL_POST),
    Case("applications:notification_settings", expect=PORTAL),
    Case(
        "applications:notification_settings",
        method="POST",
        data={"action": "save", "mention:email": "on"},
        expect=PORTAL_POST,
        label="save",
    ),
    Case("applications:email_templates", expect=PORTAL),
    Case("applications:email_template", kwargs={"stage_slug": "interview"}, expect=PORTAL),
    Case(
        "applications:email_template",
        method="POST",
        kwargs={"stage_slug": "interview"},
        data={"subject": "Hi {{ candidate_first_name }}", "body": "See you"},
        expect=PORTAL_POST,
        label="save",
    ),
    Case(
        "applications:email_preview",
        method="POST",
        data={"subject": "Hi", "body": "x"},
        expect=PORTAL,
    ),
]

CASES = [*API_CASES, *PORTAL_CASES]
