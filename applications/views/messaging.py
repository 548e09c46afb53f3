"""The notification bell and the company's email templates (with a preview)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import recruiter_required
from applications import notifications, services
from applications.forms import EmailTemplateForm
from applications.models import EmailTemplate, Notification
from applications.views.scoping import membership_of


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
    company = membership_of(request).company
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
    membership = membership_of(request)
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
