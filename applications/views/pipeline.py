"""A job's pipeline: the kanban board, the list with bulk actions, moving and reopening."""

from __future__ import annotations

from collections import Counter
from uuid import UUID

from django.contrib import messages
from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import recruiter_required
from applications import notifications, services
from applications.forms import BulkForm, MoveForm
from applications.models import Application, PipelineStage, RejectionReason, Source
from applications.views.scoping import company_application, company_job, membership_of
from jobs.models import Job


def _board_context(request: HttpRequest, job: Job) -> dict:
    stages = list(services.stages_for_job(job))
    apps = list(
        services.with_score(Application.objects.filter(job=job))
        .select_related("candidate", "stage")
        .order_by("stage_changed_at")
    )
    columns = [(stage, [a for a in apps if a.stage_id == stage.pk]) for stage in stages]
    reasons = RejectionReason.objects.filter(company=job.company, is_active=True)
    return {
        "job": job,
        "columns": columns,
        "stages": stages,
        "movable_stages": [s for s in stages if s.kind != PipelineStage.Kind.WITHDRAWN],
        "reasons": reasons,
        "total": len(apps),
    }


@recruiter_required
@require_GET
def pipeline_board(request: HttpRequest, job_id: int) -> HttpResponse:
    job = company_job(request, job_id)
    template = "applications/_board.html" if request.htmx else "applications/board.html"  # type: ignore[attr-defined]
    return render(request, template, _board_context(request, job))


@recruiter_required
@require_http_methods(["GET", "POST"])
def pipeline_list(request: HttpRequest, job_id: int) -> HttpResponse:
    job = company_job(request, job_id)
    company = membership_of(request).company
    stages = services.stages_for_job(job)
    apps = list(
        services.with_score(Application.objects.filter(job=job))
        .select_related("candidate", "stage", "rejection_reason")
        .order_by(F("score").desc(nulls_last=True), "created_at")
    )
    stage_filter = request.GET.get("stage", "")
    source_filter = request.GET.get("source", "")
    source_filter = source_filter if source_filter in Source.values else ""
    sources = Counter(a.source for a in apps)
    if stage_filter:
        apps = [a for a in apps if a.stage.slug == stage_filter]
    if source_filter:
        apps = [a for a in apps if a.source == source_filter]
    form = BulkForm(
        request.POST or None, applications=apps if request.method == "GET" else
        Application.objects.filter(job=job), stages=stages, company=company,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        chosen = list(
            Application.objects.filter(
                job=job, pk__in=form.cleaned_data["applications"]
            ).select_related("candidate", "stage", "job__company")
        )
        action = form.cleaned_data["action"]
        if action == "email":
            sent = notifications.send_bulk_email(
                applications=chosen,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                by=request.user,  # type: ignore[arg-type]
            )
            messages.success(request, f"Email queued for {len(sent)} candidate(s).")
        else:
            to_stage = (
                form.cleaned_data["stage"]
                if action == "move"
                else stages.filter(kind=PipelineStage.Kind.REJECTED).first()
            )
            result = services.move_many(
                applications=chosen,
                to_stage=to_stage,
                by=request.user,  # type: ignore[arg-type]
                rejection_reason=form.cleaned_data.get("rejection_reason"),
            )
            messages.success(request, f"{result.moved} application(s) moved to {to_stage.name}.")
            for application, reason in result.refused:
                messages.error(request, f"{application.candidate.email}: {reason}")
        return redirect("applications:list", job_id=job.pk)
    counts = dict(
        Application.objects.filter(job=job).values_list("stage__slug").annotate(n=Count("id"))
    )
    return render(
        request,
        "applications/list.html",
        {
            "job": job,
            "applications": apps,
            "form": form,
            "stages": [(s, counts.get(s.slug, 0)) for s in stages],
            "stage_filter": stage_filter,
            "sources": [
                (value, label, sources[value]) for value, label in Source.choices if sources[value]
            ],
            "source_filter": source_filter,
            "variables": notifications.VARIABLES,
        },
    )


@recruiter_required
@require_POST
def application_move(request: HttpRequest, pk: UUID) -> HttpResponse:
    application = company_application(request, pk)
    job = application.job
    form = MoveForm(request.POST, stages=services.stages_for_job(job), company=job.company)
    error = ""
    if form.is_valid():
        try:
            services.move_application(
                application=application,
                to_stage=form.cleaned_data["stage"],
                by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
                rejection_reason=form.cleaned_data["rejection_reason"],
                notify_candidate=form.cleaned_data["notify_candidate"]
                or "notify_candidate" not in request.POST,
            )
        except services.PipelineError as exc:
            error = exc.message
    else:
        error = "; ".join(e for errors in form.errors.values() for e in errors)
    if request.htmx:  # type: ignore[attr-defined]
        context = _board_context(request, job)
        context["error"] = error
        response = render(request, "applications/_board.html", context)
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Moved to {form.cleaned_data['stage'].name}.")
    return redirect(request.POST.get("next") or reverse("applications:detail", args=[pk]))


@recruiter_required
@require_POST
def application_reopen(request: HttpRequest, pk: UUID) -> HttpResponse:
    application = company_application(request, pk)
    try:
        services.reopen_application(application=application, by=request.user)  # type: ignore[arg-type]
        messages.success(request, "Reopened.")
    except services.PipelineError as exc:
        messages.error(request, exc.message)
    return redirect("applications:detail", pk=pk)
