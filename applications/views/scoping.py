"""Every lookup is scoped to the recruiter's company: another company's job or application
is a 404, never a 403 that would confirm it exists."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Membership
from applications.models import Application
from jobs.models import Job


def membership_of(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined]


def company_job(request: HttpRequest, job_id: int) -> Job:
    return get_object_or_404(
        Job.objects.for_company(membership_of(request).company).select_related("company"),
        pk=job_id,
    )


def company_application(request: HttpRequest, pk: UUID) -> Application:
    return get_object_or_404(
        Application.objects.for_company(membership_of(request).company).select_related(
            "job__company", "stage", "candidate", "resume", "rejection_reason"
        ),
        pk=pk,
    )


def require_manager(request: HttpRequest) -> None:
    if not membership_of(request).can_manage_team:
        raise PermissionDenied("Only owners and admins change the pipeline.")
