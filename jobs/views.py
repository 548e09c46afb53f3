"""Recruiter portal: the company's jobs. Every lookup is scoped to the recruiter's company,
so another company's job is a 404, never a 403 that would confirm it exists."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import recruiter_required
from accounts.models import Membership
from jobs import services
from jobs.forms import CloseJobForm, JobForm, JobListFilterForm
from jobs.models import Job

PAGE_SIZE = 25


def _company_job(request: HttpRequest, pk: int) -> Job:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return get_object_or_404(
        Job.objects.for_company(membership.company).select_related("company"), pk=pk
    )


@recruiter_required
def job_list(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    company_jobs = Job.objects.for_company(membership.company)
    counts = dict(
        company_jobs.order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    status_counts = [(value, label, counts.get(value, 0)) for value, label in Job.Status.choices]
    filters = JobListFilterForm(request.GET or None)
    jobs = company_jobs.annotate(save_count=Count("saves", distinct=True))
    if filters.is_valid():
        data = filters.cleaned_data
        if data["status"]:
            jobs = jobs.filter(status=data["status"])
        if data["q"]:
            jobs = jobs.filter(Q(title__icontains=data["q"]) | Q(external_ref__iexact=data["q"]))
        if data["workplace"]:
            jobs = jobs.filter(workplace=data["workplace"])
        if data["mine"]:
            jobs = jobs.filter(Q(hiring_team=request.user) | Q(created_by=request.user)).distinct()
    page = Paginator(jobs.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "company": membership.company,
        "membership": membership,
        "filters": filters,
        "page": page,
        "status_counts": status_counts,
        "total": sum(counts.values()),
        "query": request.GET.urlencode(),
    }
    template = "jobs/_job_table.html" if request.htmx else "jobs/job_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@recruiter_required
@require_http_methods(["GET", "POST"])
def job_create(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    form = JobForm(request.POST or None, company=membership.company)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.create_job(
                company=membership.company,
                created_by=request.user,
                fields=form.job_fields(),
                hiring_team=list(form.cleaned_data["hiring_team"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Draft “{job.title}” saved. Publish it when ready.")
            return redirect("jobs:detail", pk=job.pk)
    return render(
        request,
        "jobs/job_form.html",
        {"form": form, "company": membership.company, "job": None},
    )


@recruiter_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _company_job(request, pk)
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "company": job.company,
            "membership": request.membership,  # type: ignore[attr-defined]
            "close_form": CloseJobForm(),
            "hiring_team": job.hiring_team.order_by("email"),
        },
    )


@recruiter_required
def job_analysis(request: HttpRequest, pk: int) -> HttpResponse:
    """The suggestions panel; htmx polls it while the analysis is pending."""
    job = _company_job(request, pk)
    return render(request, "jobs/_analysis.html", {"job": job})


@recruiter_required
@require_http_methods(["GET", "POST"])
def job_edit(request: HttpRequest, pk: int) -> HttpResponse:
    job = _company_job(request, pk)
    membership: Membership = request.membership  # type: ignore[attr-defined]
    form = JobForm(request.POST or None, instance=job, company=membership.company)
    if request.method == "POST" and form.is_valid():
        # The form wrote its values onto `job`; the service compares against the stored row.
        stored = _company_job(request, pk)
        try:
            services.update_job(
                job=stored,
                actor=request.user,
                fields=form.job_fields(),
                hiring_team=list(form.cleaned_data["hiring_team"]),
            )
            services.resolve_suggestions(
                job=stored,
                decided=form.decided,
                rejected=form.rejected,
                years_decided=bool(form.cleaned_data.get("use_suggested_years")),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Job saved.")
            return redirect("jobs:detail", pk=job.pk)
    return render(
        request, "jobs/job_form.html", {"form": form, "company": membership.company, "job": job}
    )


@recruiter_required
@require_POST
def job_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    job = _company_job(request, pk)
    copy = services.duplicate_job(job=job, actor=request.user)
    messages.success(request, "Copied as a new draft.")
    return redirect("jobs:edit", pk=copy.pk)


@recruiter_required
@require_POST
def job_publish(request: HttpRequest, pk: int) -> HttpResponse:
    job = _company_job(request, pk)
    try:
        services.publish_job(job=job, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "Cannot publish yet: " + " ".join(exc.messages))
    else:
        messages.success(request, f"“{job.title}” is open to candidates.")
    return redirect("jobs:detail", pk=job.pk)


@recruiter_required
@require_POST
def job_close(request: HttpRequest, pk: int) -> HttpResponse:
    job = _company_job(request, pk)
    form = CloseJobForm(request.POST)
    status = form.cleaned_data["status"] if form.is_valid() else Job.Status.CLOSED
    try:
        services.close_job(job=job, actor=request.user, status=status)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{job.title}” is {job.get_status_display().lower()}.")
    return redirect("jobs:detail", pk=job.pk)


@recruiter_required
@require_http_methods(["GET", "POST"])
def job_delete(request: HttpRequest, pk: int) -> HttpResponse:
    job = _company_job(request, pk)
    membership: Membership = request.membership  # type: ignore[attr-defined]
    if not membership.can_manage_team:
        raise PermissionDenied("Only owners and admins delete jobs.")
    if request.method == "POST":
        title = job.title
        services.delete_job(job=job, membership=membership)
        messages.success(request, f"“{title}” was deleted.")
        return redirect("jobs:list")
    return render(request, "jobs/job_confirm_delete.html", {"job": job, "company": job.company})
