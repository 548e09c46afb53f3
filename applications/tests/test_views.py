"""Portal pages: board, list with bulk actions, the application page, bell, email templates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications import services
from applications.models import EmailTemplate, Message, Note, Notification, RejectionReason
from applications.tests.factories import make_application, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, recruiter):
    client.force_login(recruiter)
    return client


def test_the_board_shows_each_stage_with_its_cards(alice, application, job):
    response = alice.get(reverse("applications:board", args=[job.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-stage="applied"' in html and 'data-stage="hired"' in html
    assert "card-carol@example.test" in html
    assert "kanban.js" in html  # drag and drop from a static file, no inline script
    assert "<script>" not in html


def test_moving_a_card_with_htmx_returns_the_new_board(alice, application, job):
    response = alice.post(
        reverse("applications:move", args=[application.pk]),
        {"stage": stage(job, "interview").pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="board"' in response.content.decode()
    application.refresh_from_db()
    assert application.stage.slug == "interview"


def test_a_refused_move_shows_the_reason_on_the_board(alice, application, job):
    response = alice.post(
        reverse("applications:move", args=[application.pk]),
        {"stage": stage(job, "rejected").pk},
        HTTP_HX_REQUEST="true",
    )
    assert "Choose a rejection reason" in response.content.decode()
    application.refresh_from_db()
    assert application.stage.slug == "applied"


def test_a_move_without_htmx_redirects_to_the_application(alice, application, job):
    response = alice.post(
        reverse("applications:move", args=[application.pk]), {"stage": stage(job, "offer").pk}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage.slug == "offer"


def test_another_companys_recruiter_gets_404_everywhere(client, other_recruiter, application, job):
    client.force_login(other_recruiter)
    pk = application.pk
    for url in [
        reverse("applications:board", args=[job.pk]),
        reverse("applications:list", args=[job.pk]),
        reverse("applications:detail", args=[pk]),
        reverse("applications:resume", args=[pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url, data in [
        (reverse("applications:move", args=[pk]), {"stage": stage(job, "offer").pk}),
        (reverse("applications:note", args=[pk]), {"body": "hi"}),
        (reverse("applications:reopen", args=[pk]), {}),
    ]:
        assert client.post(url, data).status_code == 404, url
    application.refresh_from_db()
    assert application.stage.slug == "applied"
    assert not Note.objects.exists()


def test_a_stage_of_another_company_cannot_be_used(alice, application, globex):
    from jobs.tests.factories import make_job

    foreign = stage(make_job(globex), "offer")
    alice.post(reverse("applications:move", args=[application.pk]), {"stage": foreign.pk})
    application.refresh_from_db()
    assert application.stage.slug == "applied"


def test_bulk_move_reject_and_email(alice, job, acme, candidate, other_candidate):
    first = make_application(company=acme, candidate=candidate, job=job)
    second = make_application(company=acme, candidate=other_candidate, job=job)
    url = reverse("applications:list", args=[job.pk])
    response = alice.post(
        url,
        {
            "action": "move",
            "applications": [first.pk, second.pk],
            "stage": stage(job, "screening").pk,
        },
    )
    assert response.status_code == 302
    assert {a.stage.slug for a in [first, second] if a.refresh_from_db() is None} == {"screening"}
    reason = RejectionReason.objects.filter(company=acme).first()
    alice.post(
        url, {"action": "reject", "applications": [second.pk], "rejection_reason": reason.pk}
    )
    second.refresh_from_db()
    assert (second.stage.slug, second.rejection_reason) == ("rejected", reason)
    alice.post(
        url,
        {
            "action": "email",
            "applications": [first.pk],
            "subject": "Hi {{ candidate_first_name }}",
            "body": "About {{ job_title }}",
        },
    )
    message = Message.objects.get(kind="recruiter_message")
    assert (message.to, message.subject, message.body) == (
        "carol@example.test",
        "Hi Carol",
        "About Robot Whisperer",
    )


def test_bulk_actions_ignore_applications_of_other_jobs(alice, job, acme, globex, other_candidate):
    from jobs.tests.factories import make_job

    foreign = make_application(company=globex, candidate=other_candidate, job=make_job(globex))
    response = alice.post(
        reverse("applications:list", args=[job.pk]),
        {"action": "move", "applications": [foreign.pk], "stage": stage(job, "screening").pk},
    )
    assert response.status_code == 200  # invalid choice: the form is shown again
    foreign.refresh_from_db()
    assert foreign.stage.slug == "applied"


def test_the_application_page_shows_resume_profile_history_and_forms(alice, application):
    response = alice.get(reverse("applications:detail", args=[application.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("applications:resume", args=[application.pk]) in html
    assert "Scorecards" in html and "Interview" in html
    assert "Add note" in html
    download = alice.get(reverse("applications:resume", args=[application.pk]))
    assert download.status_code == 200


def test_a_note_with_a_mention_notifies_the_teammate(alice, application, teammate):
    from applications import notifications

    alice.post(reverse("applications:note", args=[application.pk]), {"body": "@bob have a look"})
    note = Note.objects.get()
    notifications.notify_mentions(note_id=note.pk)
    notification = Notification.objects.get(recipient=teammate, kind="mention")
    assert "have a look" in notification.body


def test_a_scorecard_is_saved_from_the_page(alice, application, job):
    interview = stage(job, "interview")
    response = alice.post(
        reverse("applications:scorecard", args=[application.pk, interview.pk]),
        {f"s{interview.pk}-c0": "4", f"s{interview.pk}-comment": "Solid"},
    )
    assert response.status_code == 302
    card = application.scorecards.get()
    assert (card.ratings, card.comment) == ({"Python": 4}, "Solid")


def test_the_bell_lists_and_marks_notifications_read(alice, recruiter, application):
    from applications import notifications

    notifications.notify_stage_change(stage_change_id=application.stage_changes.get().pk)
    html = alice.get(reverse("applications:bell")).content.decode()
    assert "New application for Robot Whisperer" in html
    assert 'data-testid="unread">1<' in html
    alice.post(reverse("applications:notifications_read"), HTTP_HX_REQUEST="true")
    assert notifications.unread_count(recruiter) == 0


def test_email_templates_are_validated_previewed_and_saved(alice, acme):
    url = reverse("applications:email_template", args=["interview"])
    assert alice.get(url).status_code == 200
    preview = alice.post(
        reverse("applications:email_preview"),
        {"subject": "Interview: {{ job_title }}", "body": "Hi {{ candidate_first_name }}"},
    ).content.decode()
    assert "Interview: Backend Engineer" in preview and "Hi Carol" in preview
    bad = alice.post(
        reverse("applications:email_preview"),
        {"subject": "{{ request.user.password }}", "body": "{% debug %}"},
    ).content.decode()
    assert "Unknown variable" in bad
    response = alice.post(url, {"subject": "{{ settings.SECRET_KEY }}", "body": "x"})
    assert response.status_code == 200 and not EmailTemplate.objects.exists()
    alice.post(
        url, {"subject": "See you, {{ candidate_first_name }}", "body": "For {{ job_title }}"}
    )
    assert EmailTemplate.objects.get(company=acme, stage_slug="interview").subject.startswith("See")


def test_a_companys_template_is_used_for_the_stage_email(application, recruiter, job, acme):
    from applications import notifications

    EmailTemplate.objects.create(
        company=acme, stage_slug="interview", subject="Talk soon {{ candidate_first_name }}",
        body="{{ job_title }} at {{ company_name }}: {{ stage_name }}",
    )  # fmt: skip
    change = services.move_application(
        application=application, to_stage=stage(job, "interview"), by=recruiter
    )
    [message] = notifications.notify_stage_change(stage_change_id=change.pk)
    assert message.subject == "Talk soon Carol"
    assert message.body == "Robot Whisperer at Acme Robotics: Interview"


def test_the_job_page_links_to_the_pipeline(alice, job):
    html = alice.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("applications:board", args=[job.pk]) in html


def test_the_list_ranks_by_the_live_match_score(alice, job, acme, candidate, other_candidate):
    from matching.models import Match
    from resumes.models import CandidateProfile

    make_application(company=acme, candidate=candidate, job=job)
    make_application(company=acme, candidate=other_candidate, job=job)
    # Matching computed Dave's match after he applied: the list uses it.
    profile = CandidateProfile.objects.create(user=other_candidate)
    Match.objects.create(job=job, candidate=profile, score=0.9, inputs_hash="x")
    html = alice.get(reverse("applications:list", args=[job.pk])).content.decode()
    assert html.index("dave@example.test") < html.index("carol@example.test")
    assert "0.90" in html


def test_the_page_explains_the_match_and_previews_the_resume_text(alice, application, job):
    from matching.models import Match
    from resumes.models import CandidateProfile

    application.resume.text = "Carol Nguyen\nPython developer, 6 years"
    application.resume.save(update_fields=["text"])
    profile = CandidateProfile.objects.create(user=application.candidate, headline="Roboticist")
    Match.objects.create(
        job=job,
        candidate=profile,
        score=0.72,
        inputs_hash="x",
        explanation={
            "matched_required": [{"slug": "python", "name": "Python", "evidence": "Python dev"}],
            "matched_preferred": [],
            "missing_required": ["rust"],
            "missing_preferred": [],
            "factors": {"years": "6 years of experience against 3-5 wanted: fit 90%."},
        },
    )
    html = alice.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "0.72" in html and "Roboticist" in html
    assert 'title="Python dev">Python<' in html and ">rust<" in html
    assert "fit 90%" in html
    assert "Python developer, 6 years" in html
