"""Recruiter portal: the ranked candidates of one job (an htmx fragment of the job page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.access import recruiter_required
from accounts.models import Membership
from jobs.models import Job
from matching import selectors, services
from matching.models import Match
from resumes.skills import normalize_skill

PAGE_SIZE = 10


def _company_job(request: HttpRequest, job_id: int) -> Job:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return get_object_or_404(Job.objects.for_company(membership.company), pk=job_id)


def _min_score(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value / 100 if 0 <= value <= 100 else None  # the form asks for a percentage


def _fragment(request: HttpRequest, job: Job, *, notice: str = "") -> HttpResponse:
    params = request.GET
    min_score = _min_score(params.get("min_score", ""))
    skill = normalize_skill(params.get("skill", "")) if params.get("skill") else None
    show_hidden = params.get("hidden") == "1"
    matches = selectors.matches_for_job(
        job=job,
        min_score=min_score,
        skills=[skill] if skill else None,
        location=params.get("location", ""),
        include_hidden=show_hidden,
    )
    page = Paginator(matches, PAGE_SIZE).get_page(params.get("page"))
    rows = [
        {
            "match": m,
            "rank": page.start_index() + i,
            "name": selectors.candidate_label(m),
            "components": selectors.component_rows(m),
            "factors": selectors.factor_sentences(m),
            "verdict": m.current_verdict,
        }
        for i, m in enumerate(page.object_list)
    ]
    context = {
        "job": job,
        "page": page,
        "rows": rows,
        "notice": notice,
        "min_score": params.get("min_score", ""),
        "skill": params.get("skill", ""),
        "location": params.get("location", ""),
        "show_hidden": show_hidden,
        "unknown_skill": bool(params.get("skill")) and skill is None,
    }
    return render(request, "matching/_job_matches.html", context)


@recruiter_required
@require_GET
def job_matches(request: HttpRequest, job_id: int) -> HttpResponse:
    return _fragment(request, _company_job(request, job_id))


@recruiter_required
@require_POST
def job_recompute(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _company_job(request, job_id)
    if job.status != Job.Status.OPEN:
        notice = "Only open jobs are matched."
    else:
        services.request_job_recompute(job_id=job.pk, immediate=True)
        notice = "Recompute queued: refresh in a few seconds."
    if not request.htmx:  # type: ignore[attr-defined]
        messages.info(request, notice)
        return redirect("jobs:detail", pk=job.pk)
    return _fragment(request, job, notice=notice)


@recruiter_required
@require_POST
def match_feedback(request: HttpRequest, match_id: int) -> HttpResponse:
    """Shortlist, hide or clear one ranked candidate of the recruiter's company."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    match = get_object_or_404(
        Match.objects.select_related("job__company"),
        pk=match_id,
        job__company=membership.company,
        candidate__is_discoverable=True,
    )
    action = request.POST.get("action", "")
    if action not in services.FEEDBACK_ACTIONS:
        return HttpResponseBadRequest("Unknown feedback.")
    services.record_match_feedback(match=match, action=action, actor=request.user)
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect("jobs:detail", pk=match.job_id)
    return _fragment(request, match.job)
