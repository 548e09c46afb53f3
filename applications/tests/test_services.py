"""The pipeline's rules: apply, the one transition service, withdraw, reopen, notes, scorecards."""

from __future__ import annotations

import pytest

from analytics.models import Event
from applications import services
from applications.models import Application, PipelineStage, RejectionReason, StageChange
from applications.services import DuplicateApplication, PipelineError
from applications.tests.factories import stage
from jobs.models import Job
from jobs.tests.factories import make_job
from resumes.tests.factories import make_resume

pytestmark = pytest.mark.django_db


def events(kind: str, application: Application) -> int:
    return Event.objects.filter(kind=kind, subject_id=str(application.pk)).count()


def test_applying_puts_the_application_in_the_first_stage_with_history_and_one_event(
    job, candidate
):
    resume = make_resume(owner=candidate, is_primary=True)
    application = services.apply_to_job(candidate=candidate, job=job, cover_letter="Hi")
    assert application.stage.slug == "applied"
    assert application.resume == resume  # the primary one by default
    history = list(application.stage_changes.all())
    assert [(h.from_stage, h.to_stage.slug, h.by) for h in history] == [
        (None, "applied", candidate)
    ]
    assert events("application.created", application) == 1


def test_the_company_gets_default_stages_and_rejection_reasons_once(job, acme, candidate):
    services.apply_to_job(candidate=candidate, job=job)
    services.ensure_company_pipeline(company=acme)
    slugs = list(PipelineStage.objects.filter(company=acme).values_list("slug", flat=True))
    assert slugs == ["applied", "screening", "interview", "offer", "hired", "rejected", "withdrawn"]
    assert RejectionReason.objects.filter(company=acme).count() == 5


def test_it_refuses_a_second_application_to_the_same_job(application, candidate, job):
    with pytest.raises(DuplicateApplication):
        services.apply_to_job(candidate=candidate, job=job)
    assert Application.objects.count() == 1


def test_it_refuses_jobs_that_are_not_open(acme, candidate):
    draft = make_job(acme, status=Job.Status.DRAFT)
    with pytest.raises(PipelineError, match="not open"):
        services.apply_to_job(candidate=candidate, job=draft)


def test_it_refuses_someone_elses_resume(job, candidate, other_candidate):
    theirs = make_resume(owner=other_candidate)
    with pytest.raises(PipelineError, match="own resumes"):
        services.apply_to_job(candidate=candidate, job=job, resume=theirs)


def test_a_recruiter_moves_an_application_with_history_and_one_event(application, recruiter, job):
    change = services.move_application(
        application=application, to_stage=stage(job, "screening"), by=recruiter, reason="Good CV"
    )
    application.refresh_from_db()
    assert application.stage.slug == "screening"
    assert (change.from_stage.slug, change.to_stage.slug, change.by) == (
        "applied",
        "screening",
        recruiter,
    )
    assert StageChange.objects.filter(application=application).count() == 2
    assert events("application.stage_changed", application) == 1


def test_moving_to_the_same_stage_is_refused(application, recruiter, job):
    with pytest.raises(PipelineError, match="already"):
        services.move_application(
            application=application, to_stage=stage(job, "applied"), by=recruiter
        )


def test_rejecting_needs_a_reason_of_the_company(application, recruiter, job, acme, globex):
    with pytest.raises(PipelineError, match="rejection reason"):
        services.move_application(
            application=application, to_stage=stage(job, "rejected"), by=recruiter
        )
    foreign = RejectionReason.objects.create(company=globex, label="Theirs")
    with pytest.raises(PipelineError):
        services.move_application(
            application=application,
            to_stage=stage(job, "rejected"),
            by=recruiter,
            rejection_reason=foreign,
        )
    reason = RejectionReason.objects.filter(company=acme).first()
    services.move_application(
        application=application,
        to_stage=stage(job, "rejected"),
        by=recruiter,
        rejection_reason=reason,
    )
    application.refresh_from_db()
    assert application.rejection_reason == reason


def test_no_move_from_a_terminal_stage_except_by_reopen(application, recruiter, job):
    services.move_application(application=application, to_stage=stage(job, "hired"), by=recruiter)
    with pytest.raises(PipelineError, match="reopen"):
        services.move_application(
            application=application, to_stage=stage(job, "offer"), by=recruiter
        )
    services.reopen_application(application=application, by=recruiter, to_stage=stage(job, "offer"))
    application.refresh_from_db()
    assert application.stage.slug == "offer"
    assert application.stage_changes.count() == 3


def test_a_withdrawn_application_cannot_be_moved_or_reopened_by_the_recruiter(
    application, recruiter, candidate, job
):
    services.withdraw_application(
        application=application, candidate=candidate, reason="Took another"
    )
    application.refresh_from_db()
    assert application.is_withdrawn
    assert events("application.withdrawn", application) == 1
    with pytest.raises(PipelineError, match="withdrew"):
        services.move_application(
            application=application, to_stage=stage(job, "screening"), by=recruiter
        )
    with pytest.raises(PipelineError, match="withdrew"):
        services.reopen_application(application=application, by=recruiter)
    with pytest.raises(PipelineError, match="already"):
        services.withdraw_application(application=application, candidate=candidate)


def test_only_the_candidate_withdraws(application, recruiter, job):
    with pytest.raises(PipelineError, match="Only the candidate"):
        services.move_application(
            application=application, to_stage=stage(job, "withdrawn"), by=recruiter
        )


def test_a_stage_of_another_pipeline_is_refused(application, recruiter, globex):
    other_job = make_job(globex)
    with pytest.raises(PipelineError, match="not in this job"):
        services.move_application(
            application=application, to_stage=stage(other_job, "screening"), by=recruiter
        )


def test_a_job_can_have_its_own_pipeline(application, recruiter, job):
    copies = services.copy_pipeline_to_job(job=job)
    assert {s.job_id for s in copies} == {job.pk}
    application.refresh_from_db()
    assert application.stage.job_id == job.pk  # moved onto the job's copy
    PipelineStage.objects.create(
        company=job.company, job=job, slug="take-home", name="Take-home", position=15
    )
    services.move_application(
        application=application, to_stage=stage(job, "take-home"), by=recruiter
    )
    application.refresh_from_db()
    assert application.stage.name == "Take-home"


def test_bulk_moves_report_refusals(job, acme, candidate, other_candidate, recruiter):
    from applications.tests.factories import make_application

    first = make_application(company=acme, candidate=candidate, job=job)
    second = make_application(company=acme, candidate=other_candidate, job=job)
    services.withdraw_application(application=second, candidate=other_candidate)
    result = services.move_many(
        applications=[first, second], to_stage=stage(job, "screening"), by=recruiter
    )
    assert result.moved == 1
    assert [a.pk for a, _ in result.refused] == [second.pk]


def test_a_note_records_mentions_of_teammates_only(
    application, recruiter, teammate, other_recruiter
):
    note = services.add_note(
        application=application,
        author=recruiter,
        body="@bob please call her. cc @charlie@globex.test and @alice",
    )
    assert list(note.mentions.all()) == [teammate]


def test_scorecards_rate_the_jobs_criteria_and_average_for_the_team(
    application, recruiter, teammate, job
):
    interview = stage(job, "interview")
    services.submit_scorecard(
        application=application,
        author=recruiter,
        stage=interview,
        ratings={"Python": 4, "Communication": 5},
        comment="Strong",
    )
    services.submit_scorecard(
        application=application, author=teammate, stage=interview, ratings={"Python": 2}
    )
    # Submitting again replaces the author's card.
    services.submit_scorecard(
        application=application, author=teammate, stage=interview, ratings={"Python": 3}
    )
    summary = services.scorecard_summary(application)
    assert summary[0]["averages"] == {"Python": 3.5, "Communication": 5.0}
    assert len(summary[0]["cards"]) == 2
    with pytest.raises(PipelineError):
        services.submit_scorecard(
            application=application, author=recruiter, stage=interview, ratings={"Python": 7}
        )
    with pytest.raises(PipelineError, match="interview"):
        services.submit_scorecard(
            application=application,
            author=recruiter,
            stage=stage(job, "offer"),
            ratings={"Python": 3},
        )


def test_an_existing_match_is_stored_with_the_application(job, candidate):
    from matching.models import Match
    from resumes.models import CandidateProfile

    profile = CandidateProfile.objects.create(user=candidate)
    Match.objects.create(
        job=job,
        candidate=profile,
        score=0.81,
        explanation={"matched_skills": ["python"]},
        inputs_hash="x",
    )
    application = services.apply_to_job(candidate=candidate, job=job)
    assert application.match_score == 0.81
    assert application.match_explanation == {"matched_skills": ["python"]}


def test_a_missing_match_is_computed_at_once_on_applying(job, candidate):
    from matching.models import Match
    from resumes.models import CandidateProfile

    CandidateProfile.objects.create(
        user=candidate, headline="Python developer", skills=["python"], years_of_experience=4
    )
    application = services.apply_to_job(candidate=candidate, job=job)
    match = Match.objects.get(job=job, candidate__user=candidate)
    assert application.match == match
    assert application.match_score == match.score > 0
    assert "matched_required" in application.match_explanation


def test_a_candidate_without_a_profile_applies_without_a_match(job, candidate):
    application = services.apply_to_job(candidate=candidate, job=job)
    assert (application.match, application.match_score) == (None, None)


def test_a_pair_outside_the_jobs_hard_filters_applies_without_a_score(job, candidate):
    from resumes.models import CandidateProfile

    CandidateProfile.objects.create(user=candidate, remote_preference="remote")  # job is on-site
    application = services.apply_to_job(candidate=candidate, job=job)
    assert application.match_score is None
    assert "only works remotely" in application.match_explanation["filtered"]
