"""One application's page: resume, profile, match, history, notes, scorecards, messages."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.access import recruiter_required
from analytics.audit import record_resume_access
from applications import previews, services
from applications.forms import MoveForm, NoteForm, ScorecardForm
from applications.models import Application
from applications.views.scoping import company_application
from resumes.downloads import download_response


@recruiter_required
@require_GET
def application_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    application = company_application(request, pk)
    # The page shows the resume (text or page images): the audit log records the viewing.
    record_resume_access(application.resume, request=request)
    return render(request, "applications/detail.html", _detail_context(request, application))


def _detail_context(request: HttpRequest, application: Application, **extra) -> dict:
    from matching.models import Match
    from resumes.models import CandidateProfile

    job = application.job
    profile = CandidateProfile.objects.filter(user=application.candidate).first()
    live = Match.objects.filter(job=job, candidate__user=application.candidate).first()
    criteria = services.scorecard_criteria(job)
    summary = services.scorecard_summary(application)
    mine = {
        c.stage_id: c
        for c in application.scorecards.filter(author=request.user)  # type: ignore[misc]
    }
    scorecards = []
    for item in summary:
        card = mine.get(item["stage"].pk)
        initial = {"comment": card.comment if card else ""}
        if card:
            for index, criterion in enumerate(criteria):
                initial[f"c{index}"] = card.ratings.get(criterion)
        scorecards.append(
            {
                **item,
                "form": ScorecardForm(
                    criteria=criteria, initial=initial, prefix=f"s{item['stage'].pk}"
                ),
            }
        )
    return {
        "application": application,
        "job": job,
        "profile": profile,
        "match_score": live.score if live else application.match_score,
        "explanation": live.explanation if live else application.match_explanation,
        "history": application.stage_changes.select_related(
            "from_stage", "to_stage", "by", "rejection_reason"
        ),
        "notes": application.notes.select_related("author").prefetch_related("mentions"),
        "note_form": NoteForm(),
        "preview_pages": range(1, previews.page_count(application.resume) + 1)
        if application.resume
        else range(0),
        "move_form": MoveForm(stages=services.stages_for_job(job), company=job.company),
        "scorecards": scorecards,
        # The communication history with the candidate (the team's own alerts are not part of it).
        "messages_log": application.messages.filter(recipient=application.candidate).order_by(
            "-created_at"
        ),
        **extra,
    }


@recruiter_required
@require_GET
def application_resume(request: HttpRequest, pk: UUID) -> HttpResponse:
    application = company_application(request, pk)
    if application.resume is None:
        raise Http404("No resume on this application.")
    return download_response(application.resume)


@recruiter_required
@require_GET
def application_resume_page(request: HttpRequest, pk: UUID, page: int) -> HttpResponse:
    """One page of the resume as an image for the application page (`<img>`, CSP-safe).

    Kept by the browser but revalidated on every view (`no-cache` with an ETag): access is
    checked each time, and an unchanged page costs a 304 instead of a rendering."""
    application = company_application(request, pk)
    resume = application.resume
    if resume is None or not 1 <= page <= previews.page_count(resume):
        raise Http404("No such resume page.")
    etag = previews.etag(resume, page)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        try:
            rendered = previews.render_page(resume, page)
        except previews.PreviewUnavailable as exc:
            raise Http404(str(exc)) from exc
        response = HttpResponse(rendered.data, content_type=rendered.content_type)
        response["Content-Disposition"] = "inline"
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@recruiter_required
@require_POST
def application_note(request: HttpRequest, pk: UUID) -> HttpResponse:
    application = company_application(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(
                application=application,
                author=request.user,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
            )
        except services.PipelineError as exc:
            messages.error(request, exc.message)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "applications/_notes.html",
            {
                "application": application,
                "notes": application.notes.select_related("author").prefetch_related("mentions"),
                "note_form": NoteForm(),
            },
        )
    return redirect("applications:detail", pk=pk)


@recruiter_required
@require_POST
def application_scorecard(request: HttpRequest, pk: UUID, stage_id: int) -> HttpResponse:
    application = company_application(request, pk)
    stage = get_object_or_404(services.stages_for_job(application.job), pk=stage_id)
    form = ScorecardForm(
        request.POST, criteria=services.scorecard_criteria(application.job), prefix=f"s{stage.pk}"
    )
    if form.is_valid():
        try:
            services.submit_scorecard(
                application=application,
                author=request.user,  # type: ignore[arg-type]
                stage=stage,
                ratings=form.ratings(),
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, f"Scorecard for {stage.name} saved.")
        except services.PipelineError as exc:
            messages.error(request, exc.message)
    return redirect(reverse("applications:detail", args=[pk]) + "#scorecards")
