"""Candidate API: apply, list, detail with history, withdraw; notifications and preferences."""

from __future__ import annotations

import pytest

from applications import services
from applications.models import CANDIDATE_KINDS, RECRUITER_KINDS, Notification, SmsConsent
from applications.tests.factories import make_application, stage
from jobs.models import Job
from jobs.tests.factories import make_job
from resumes.tests.factories import make_resume

pytestmark = pytest.mark.django_db


def test_a_candidate_applies_and_gets_the_application_with_its_history(api_as, candidate, job):
    make_resume(owner=candidate, is_primary=True)
    response = api_as(candidate).post(
        "/api/v1/applications/", {"job": job.pk, "cover_letter": "Hello"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == {"slug": "applied", "name": "Applied", "kind": "open"}
    assert body["job"]["title"] == "Robot Whisperer"
    assert [h["to_stage"]["slug"] for h in body["history"]] == ["applied"]
    assert body["can_withdraw"] is True


def test_a_second_application_is_a_409_in_the_api_error_shape(api_as, application, candidate, job):
    response = api_as(candidate).post("/api/v1/applications/", {"job": job.pk}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_application"


def test_it_refuses_a_job_that_is_not_open(api_as, candidate, acme):
    draft = make_job(acme, status=Job.Status.DRAFT)
    response = api_as(candidate).post("/api/v1/applications/", {"job": draft.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "job_not_open"


def test_it_refuses_another_candidates_resume(api_as, candidate, other_candidate, job):
    theirs = make_resume(owner=other_candidate)
    response = api_as(candidate).post(
        "/api/v1/applications/", {"job": job.pk, "resume": str(theirs.pk)}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_resume"


def test_candidates_list_only_their_own_applications(
    api_as, application, other_candidate, acme, job
):
    make_application(company=acme, candidate=other_candidate, job=job)
    rows = api_as(application.candidate).get("/api/v1/applications/").json()["results"]
    assert [r["id"] for r in rows] == [str(application.pk)]


def test_the_detail_shows_stage_changes(api_as, application, recruiter, job):
    services.move_application(
        application=application, to_stage=stage(job, "interview"), by=recruiter
    )
    body = api_as(application.candidate).get(f"/api/v1/applications/{application.pk}/").json()
    assert body["stage"]["slug"] == "interview"
    assert [
        (h["from_stage"] and h["from_stage"]["slug"], h["to_stage"]["slug"])
        for h in body["history"]
    ] == [
        (None, "applied"),
        ("applied", "interview"),
    ]
    assert "by" not in body["history"][0]  # recruiters' names stay internal


def test_another_candidate_gets_404_on_detail_and_withdraw(api_as, application, other_candidate):
    client = api_as(other_candidate)
    assert client.get(f"/api/v1/applications/{application.pk}/").status_code == 404
    assert client.post(f"/api/v1/applications/{application.pk}/withdraw/").status_code == 404


def test_recruiters_and_anonymous_callers_are_refused(api_as, application, recruiter):
    assert api_as(recruiter).get("/api/v1/applications/").status_code == 403
    assert api_as(None).get("/api/v1/applications/").status_code == 401


def test_a_candidate_withdraws_once(api_as, application, candidate):
    client = api_as(candidate)
    response = client.post(f"/api/v1/applications/{application.pk}/withdraw/", {"reason": "Sorry"})
    assert response.status_code == 200
    assert response.json()["stage"]["kind"] == "withdrawn"
    assert response.json()["can_withdraw"] is False
    again = client.post(f"/api/v1/applications/{application.pk}/withdraw/")
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "terminal_stage"


def test_notifications_are_listed_for_their_recipient_and_marked_read(
    api_as, candidate, other_candidate, application
):
    from applications import notifications

    notifications.notify_stage_change(stage_change_id=application.stage_changes.get().pk)
    client = api_as(candidate)
    rows = client.get("/api/v1/notifications/").json()["results"]
    assert [r["kind"] for r in rows] == ["application_received"]
    assert rows[0]["read"] is False
    assert api_as(other_candidate).get("/api/v1/notifications/").json()["results"] == []
    # Another user's notification id is ignored, not marked.
    response = client.post("/api/v1/notifications/read/", {"ids": [rows[0]["id"]]}, format="json")
    assert response.json() == {"marked": 1, "unread": 0}
    assert client.get("/api/v1/notifications/?unread=1").json()["results"] == []
    assert Notification.objects.get(recipient=candidate).read_at is not None


def test_preferences_default_and_change(api_as, candidate):
    client = api_as(candidate)
    prefs = client.get("/api/v1/notifications/preferences/").json()["preferences"]
    assert prefs["stage_changed"] == {"in_app": True, "email": True, "sms": False}
    response = client.put(
        "/api/v1/notifications/preferences/",
        {"preferences": {"stage_changed": {"email": False, "sms": True}}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["preferences"]["stage_changed"] == {
        "in_app": True,
        "email": False,
        "sms": True,
    }
    bad = client.put(
        "/api/v1/notifications/preferences/",
        {"preferences": {"stage_changed": {"pigeon": True}}},
        format="json",
    )
    assert bad.status_code == 400


def test_preferences_list_only_the_kinds_the_caller_receives(api_as, candidate, recruiter):
    as_candidate = api_as(candidate)
    kinds = as_candidate.get("/api/v1/notifications/preferences/").json()["preferences"]
    assert set(kinds) == set(CANDIDATE_KINDS)
    # A recruiter-only kind is no candidate's to set.
    refused = as_candidate.put(
        "/api/v1/notifications/preferences/",
        {"preferences": {"new_application": {"email": False}}},
        format="json",
    )
    assert refused.status_code == 400
    assert "new_application" in refused.json()["error"]["message"] + str(
        refused.json()["error"].get("details")
    )
    as_recruiter = api_as(recruiter)
    kinds = as_recruiter.get("/api/v1/notifications/preferences/").json()["preferences"]
    assert set(kinds) == set(RECRUITER_KINDS)


def test_sms_consent_is_recorded_with_time_source_and_withdrawn(api_as, candidate):
    client = api_as(candidate)
    assert client.post("/api/v1/notifications/sms-consent/", {"phone": "12345"}).status_code == 400
    response = client.post(
        "/api/v1/notifications/sms-consent/", {"phone": "+49 151 1234 5678", "source": "ios"}
    )
    assert response.status_code == 201
    consent = SmsConsent.objects.get()
    assert (consent.phone, consent.source, consent.revoked_at) == ("+4915112345678", "ios", None)
    assert consent.granted_at is not None
    assert client.delete("/api/v1/notifications/sms-consent/").status_code == 204
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_screening_questions_are_listed_and_required_answers_enforced(api_as, candidate, job):
    from applications.models import ScreeningQuestion

    visa = ScreeningQuestion.objects.create(job=job, prompt="Do you need a visa?", position=0)
    notice = ScreeningQuestion.objects.create(
        job=job, prompt="Notice period?", required=False, position=1
    )
    client = api_as(candidate)
    listed = client.get("/api/v1/applications/questions/", {"job": job.pk}).json()
    assert [q["prompt"] for q in listed] == ["Do you need a visa?", "Notice period?"]
    missing = client.post(
        "/api/v1/applications/",
        {"job": job.pk, "answers": {str(notice.pk): "1 month"}},
        format="json",
    )
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "answer_required"
    unknown = client.post(
        "/api/v1/applications/", {"job": job.pk, "answers": {"999": "x"}}, format="json"
    )
    assert unknown.json()["error"]["code"] == "unknown_question"
    ok = client.post(
        "/api/v1/applications/", {"job": job.pk, "answers": {str(visa.pk): "No"}}, format="json"
    )
    assert ok.status_code == 201
    assert ok.json()["answers"] == [
        {"question_id": visa.pk, "prompt": "Do you need a visa?", "answer": "No"}
    ]


def test_questions_of_a_job_that_is_not_open_are_not_found(api_as, candidate, acme):
    draft = make_job(acme, status=Job.Status.DRAFT)
    response = api_as(candidate).get("/api/v1/applications/questions/", {"job": draft.pk})
    assert response.status_code == 404
