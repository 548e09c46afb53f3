"""Recruiter portal: a job's pipeline (kanban board and list with bulk actions), one
application's page (resume, profile, match, notes, scorecards, messages), the notification
bell and the company's email templates.

Every lookup is scoped to the recruiter's company: another company's job or application is a
404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import recruiter_required
from accounts.models import Membership
from applications import notifications, services, webhooks
from applications.forms import (
    BulkForm,
    EmailTemplateForm,
    MoveForm,
    NewStageForm,
    NoteForm,
    RejectionReasonForm,
    ScorecardForm,
    StageFormSet,
    WebhookEndpointForm,
)
from applications.models import (
    Application,
    EmailTemplate,
    Notification,
    PipelineStage,
    RejectionReason,
    ScreeningQuestion,
    WebhookDelivery,
    WebhookEndpoint,
)
from jobs.models import Job
from resumes.downloads import download_response


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined]


def _company_job(request: HttpRequest, job_id: int) -> Job:
    return get_object_or_404(
        Job.objects.for_company(_membership(request).company).select_related("company"),
        pk=job_id,
    )


def _company_application(request: HttpRequest, pk: UUID) -> Application:
    return get_object_or_404(
        Application.objects.for_company(_membership(request).company).select_related(
            "job__company", "stage", "candidate", "resume", "rejection_reason"
        ),
        pk=pk,
    )


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
    job = _company_job(request, job_id)
    template = "applications/_board.html" if request.htmx else "applications/board.html"  # type: ignore[attr-defined]
    return render(request, template, _board_context(request, job))


@recruiter_required
@require_http_methods(["GET", "POST"])
def pipeline_list(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _company_job(request, job_id)
    company = _membership(request).company
    stages = services.stages_for_job(job)
    apps = list(
        services.with_score(Application.objects.filter(job=job))
        .select_related("candidate", "stage", "rejection_reason")
        .order_by(F("score").desc(nulls_last=True), "created_at")
    )
    stage_filter = request.GET.get("stage", "")
    if stage_filter:
        apps = [a for a in apps if a.stage.slug == stage_filter]
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
            "variables": notifications.VARIABLES,
        },
    )


@recruiter_required
@require_POST
def application_move(request: HttpRequest, pk: UUID) -> HttpResponse:
    application = _company_application(request, pk)
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
    application = _company_application(request, pk)
    try:
        services.reopen_application(application=application, by=request.user)  # type: ignore[arg-type]
        messages.success(request, "Reopened.")
    except services.PipelineError as exc:
        messages.error(request, exc.message)
    return redirect("applications:detail", pk=pk)


@recruiter_required
@require_GET
def application_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    application = _company_application(request, pk)
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
        "move_form": MoveForm(stages=services.stages_for_job(job), company=job.company),
        "scorecards": scorecards,
        "messages_log": application.messages.order_by("-created_at"),
        **extra,
    }


@recruiter_required
@require_GET
def application_resume(request: HttpRequest, pk: UUID) -> HttpResponse:
    application = _company_application(request, pk)
    if application.resume is None:
        raise Http404("No resume on this application.")
    return download_response(application.resume)


@recruiter_required
@require_POST
def application_note(request: HttpRequest, pk: UUID) -> HttpResponse:
    application = _company_application(request, pk)
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
    application = _company_application(request, pk)
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


# --- Notification bell ------------------------------------------------------------------


def _bell(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(recipient=request.user).select_related("application")[:15]
    return render(
        request,
        "applications/_bell.html",
        {"notifications": rows, "unread": notifications.unread_count(request.user)},  # type: ignore[arg-type]
    )


@recruiter_required
@require_GET
def notification_bell(request: HttpRequest) -> HttpResponse:
    """The portal's bell: unread count and the latest notifications (htmx polls it)."""
    return _bell(request)


@recruiter_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    notifications.mark_read(user=request.user, ids=ids)  # type: ignore[arg-type]
    if request.htmx:  # type: ignore[attr-defined]
        return _bell(request)
    return redirect(request.POST.get("next") or "portal:dashboard")


# --- Email templates ----------------------------------------------------------------------


@recruiter_required
@require_GET
def email_templates(request: HttpRequest) -> HttpResponse:
    company = _membership(request).company
    stages = services.ensure_company_pipeline(company=company)
    custom = {t.stage_slug: t for t in EmailTemplate.objects.filter(company=company)}
    return render(
        request,
        "applications/email_templates.html",
        {"rows": [(s, custom.get(s.slug)) for s in stages], "variables": notifications.VARIABLES},
    )


@recruiter_required
@require_http_methods(["GET", "POST"])
def email_template_edit(request: HttpRequest, stage_slug: str) -> HttpResponse:
    membership = _membership(request)
    company = membership.company
    stage = next(
        (s for s in services.ensure_company_pipeline(company=company) if s.slug == stage_slug),
        None,
    )
    if stage is None:
        raise Http404("No such stage.")
    template = EmailTemplate.objects.filter(company=company, stage_slug=stage_slug).first()
    if template is None:
        template = EmailTemplate(
            company=company,
            stage_slug=stage_slug,
            subject=notifications.DEFAULT_SUBJECT,
            body=notifications.DEFAULT_BODIES[stage.kind],
        )
    form = EmailTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        messages.success(request, f"Email for {stage.name} saved.")
        return redirect("applications:email_templates")
    return render(
        request,
        "applications/email_template_form.html",
        {"form": form, "stage": stage, "variables": notifications.VARIABLES},
    )


@recruiter_required
@require_POST
def email_template_preview(request: HttpRequest) -> HttpResponse:
    try:
        subject, body = notifications.preview_template(
            subject=request.POST.get("subject", ""), body=request.POST.get("body", "")
        )
        error = ""
    except ValidationError as exc:
        subject, body, error = "", "", " ".join(exc.messages)
    return render(
        request,
        "applications/_preview.html",
        {"subject": subject, "body": body, "error": error},
    )


# --- Stage configuration (company, or one job) --------------------------------------------


def _require_manager(request: HttpRequest) -> None:
    if not _membership(request).can_manage_team:
        raise PermissionDenied("Only owners and admins change the pipeline.")


def _stages_page(request: HttpRequest, job: Job | None) -> HttpResponse:
    company = _membership(request).company
    if job is None:
        services.ensure_company_pipeline(company=company)
        stages = PipelineStage.objects.filter(company=company, job__isnull=True)
        own = True
    else:
        stages = services.stages_for_job(job)
        own = stages.filter(job=job).exists()
    formset = StageFormSet(queryset=stages, prefix="stages")
    new_form, reason_form = NewStageForm(), RejectionReasonForm()
    if request.method == "POST":
        _require_manager(request)
        action = request.POST.get("action")
        if job is not None and action == "customise":
            services.copy_pipeline_to_job(job=job)
            messages.success(request, "This job now has its own pipeline.")
        elif not own and action in ("save", "add", "delete"):
            messages.error(request, "Customise the pipeline for this job first.")
        elif action == "save":
            formset = StageFormSet(request.POST, queryset=stages, prefix="stages")
            if formset.is_valid():
                formset.save()
                messages.success(request, "Stages saved.")
            else:
                messages.error(request, "Check the stages below.")
                return _render_stages(request, job, formset, new_form, reason_form, own)
        elif action == "add":
            new_form = NewStageForm(request.POST)
            if new_form.is_valid():
                services.add_stage(company=company, job=job, **new_form.cleaned_data)
                messages.success(request, f"Stage {new_form.cleaned_data['name']} added.")
        elif action == "delete":
            stage = get_object_or_404(stages, pk=request.POST.get("stage"))
            try:
                services.delete_stage(stage=stage)
                messages.success(request, f"Stage {stage.name} removed.")
            except services.PipelineError as exc:
                messages.error(request, exc.message)
        elif action == "add_question" and job is not None:
            prompt = request.POST.get("prompt", "").strip()[:300]
            if prompt:
                ScreeningQuestion.objects.create(
                    job=job,
                    prompt=prompt,
                    required=bool(request.POST.get("required")),
                    position=job.questions.count(),
                )
        elif action == "delete_question" and job is not None:
            get_object_or_404(job.questions, pk=request.POST.get("question")).delete()
        elif action == "add_reason" and job is None:
            reason_form = RejectionReasonForm(request.POST)
            if reason_form.is_valid():
                RejectionReason.objects.update_or_create(
                    company=company, label=reason_form.cleaned_data["label"],
                    defaults={"is_active": True},
                )  # fmt: skip
        elif action == "toggle_reason" and job is None:
            reason = get_object_or_404(
                RejectionReason.objects.filter(company=company), pk=request.POST.get("reason")
            )
            reason.is_active = not reason.is_active
            reason.save(update_fields=["is_active"])
        return redirect(request.get_full_path())
    return _render_stages(request, job, formset, new_form, reason_form, own)


def _render_stages(request, job, formset, new_form, reason_form, own) -> HttpResponse:
    company = _membership(request).company
    return render(
        request,
        "applications/stages.html",
        {
            "job": job,
            "formset": formset,
            "new_form": new_form,
            "reason_form": reason_form,
            "own": own,
            "reasons": RejectionReason.objects.filter(company=company),
            "can_manage": _membership(request).can_manage_team,
            "questions": job.questions.all() if job else [],
        },
    )


@recruiter_required
@require_http_methods(["GET", "POST"])
def company_stages(request: HttpRequest) -> HttpResponse:
    return _stages_page(request, None)


@recruiter_required
@require_http_methods(["GET", "POST"])
def job_stages(request: HttpRequest, job_id: int) -> HttpResponse:
    return _stages_page(request, _company_job(request, job_id))


# --- Webhooks (owners and admins) ------------------------------------------------------------


@recruiter_required
@require_http_methods(["GET", "POST"])
def webhook_list(request: HttpRequest) -> HttpResponse:
    company = _membership(request).company
    _require_manager(request)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = form.save(commit=False)
        endpoint.company = company
        endpoint.save()
        messages.success(request, "Endpoint added: keep its signing secret safe.")
        return redirect("applications:webhook", pk=endpoint.pk)
    return render(
        request,
        "applications/webhooks.html",
        {"form": form, "endpoints": WebhookEndpoint.objects.filter(company=company)},
    )


@recruiter_required
@require_http_methods(["GET", "POST"])
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = _membership(request).company
    endpoint = get_object_or_404(WebhookEndpoint.objects.filter(company=company), pk=pk)
    _require_manager(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "toggle":
            endpoint.is_active = not endpoint.is_active
            endpoint.save(update_fields=["is_active"])
        elif action == "replay":
            delivery = get_object_or_404(endpoint.deliveries, pk=request.POST.get("delivery"))
            webhooks.replay_delivery(delivery=delivery)
            messages.success(request, "Delivery queued again.")
        elif action == "delete":
            endpoint.delete()
            messages.success(request, "Endpoint removed.")
            return redirect("applications:webhooks")
        return redirect("applications:webhook", pk=pk)
    return render(
        request,
        "applications/webhook_detail.html",
        {
            "endpoint": endpoint,
            "deliveries": WebhookDelivery.objects.filter(endpoint=endpoint)[:50],
            "header": webhooks.SIGNATURE_HEADER,
        },
    )
