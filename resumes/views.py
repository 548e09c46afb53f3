"""Recruiter portal: resumes sourced into the recruiter's company (theirs only)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import recruiter_required
from analytics.audit import record_resume_access
from resumes import services
from resumes.downloads import download_response
from resumes.forms import SourcedResumeForm
from resumes.models import Resume
from resumes.uploads import UploadRejected


def _company_resume(request: HttpRequest, resume_id: UUID) -> Resume:
    company = request.membership.company  # type: ignore[attr-defined]
    return get_object_or_404(Resume.objects.for_company(company), pk=resume_id)


@recruiter_required
@require_GET
def resume_list(request: HttpRequest) -> HttpResponse:
    company = request.membership.company  # type: ignore[attr-defined]
    resumes = Resume.objects.for_company(company).select_related("owner").order_by("-created_at")
    status = request.GET.get("status", "")
    if status in Resume.Status.values:
        resumes = resumes.filter(status=status)
    template = "resumes/_resume_rows.html" if request.htmx else "resumes/list.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "company": company,
            "resumes": resumes[:200],
            "status": status,
            "statuses": Resume.Status.choices,
        },
    )


@recruiter_required
@require_http_methods(["GET", "POST"])
def resume_upload(request: HttpRequest) -> HttpResponse:
    company = request.membership.company  # type: ignore[attr-defined]
    form = SourcedResumeForm(request.POST or None, request.FILES or None)
    status_code = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                candidate = services.source_candidate(
                    email=form.cleaned_data["email"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                )
                resume, created = services.upload_resume(
                    owner=candidate,
                    file=form.cleaned_data["file"],
                    uploaded_by=request.user,
                    company=company,
                )
            except UploadRejected as rejection:
                form.add_error("file", rejection.message)
            except ValidationError as exc:
                form.add_error("email", exc)
            else:
                if created:
                    messages.success(request, f"{resume.original_name} is being processed.")
                else:
                    messages.info(request, "This resume was already uploaded for that candidate.")
                return redirect("resumes:detail", resume_id=resume.pk)
        status_code = 400
    return render(
        request, "resumes/upload.html", {"company": company, "form": form}, status=status_code
    )


@recruiter_required
@require_GET
def resume_detail(request: HttpRequest, resume_id: UUID) -> HttpResponse:
    resume = _company_resume(request, resume_id)
    # Audited as a view of the candidate's resume; the htmx status poll shows none of it.
    if not request.htmx:  # type: ignore[attr-defined]
        record_resume_access(resume, request=request)
    template = "resumes/_status.html" if request.htmx else "resumes/detail.html"  # type: ignore[attr-defined]
    return render(request, template, {"resume": resume})


@recruiter_required
@require_GET
def resume_download(request: HttpRequest, resume_id: UUID) -> HttpResponse:
    return download_response(_company_resume(request, resume_id))


@recruiter_required
@require_POST
def resume_retry(request: HttpRequest, resume_id: UUID) -> HttpResponse:
    resume = _company_resume(request, resume_id)
    try:
        services.retry_resume(resume=resume, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Processing starts again.")
    return redirect("resumes:detail", resume_id=resume.pk)
