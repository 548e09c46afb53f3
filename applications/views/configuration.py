"""Company settings: stages (company or one job), screening questions, rejection reasons,
webhook endpoints (owners and admins)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.access import recruiter_required
from applications import services, webhooks
from applications.forms import NewStageForm, RejectionReasonForm, StageFormSet, WebhookEndpointForm
from applications.models import (
    PipelineStage,
    RejectionReason,
    ScreeningQuestion,
    WebhookDelivery,
    WebhookEndpoint,
)
from applications.views.scoping import company_job, membership_of, require_manager
from jobs.models import Job


def _stages_page(request: HttpRequest, job: Job | None) -> HttpResponse:
    company = membership_of(request).company
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
        require_manager(request)
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
    company = membership_of(request).company
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
            "can_manage": membership_of(request).can_manage_team,
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
    return _stages_page(request, company_job(request, job_id))


# --- Webhooks (owners and admins) ------------------------------------------------------------


@recruiter_required
@require_http_methods(["GET", "POST"])
def webhook_list(request: HttpRequest) -> HttpResponse:
    company = membership_of(request).company
    require_manager(request)
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
    company = membership_of(request).company
    endpoint = get_object_or_404(WebhookEndpoint.objects.filter(company=company), pk=pk)
    require_manager(request)
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
