"""Recruiter dashboards, exports and the audit log: only the recruiter's own company, ever.

The company comes from the signed-in recruiter's membership, never from the URL; a job id in
the filters that is not one of the company's is a 404, as elsewhere in the portal. The audit
log is for the company's owners only (a 403 for its other members).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import recruiter_required
from accounts.models import Membership
from analytics import exports
from analytics.audit.forms import AuditFilterForm
from analytics.dashboards import panels
from analytics.forms import DashboardFilterForm
from analytics.models import AuditEntry
from analytics.services import record_event


def _filter_form(request: HttpRequest) -> DashboardFilterForm:
    company = request.membership.company  # type: ignore[attr-defined]
    form = DashboardFilterForm(request.GET, company=company)
    if not form.is_valid() and form.job_is_foreign():
        raise Http404("No such job.")
    return form


@recruiter_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    context: dict = {"form": form, "datasets": list(exports.DATASETS)}
    if form.is_valid():
        filters = form.filters()
        context |= panels.dashboard(filters) | {
            "filters": filters,
            "query": request.GET.urlencode(),
        }
    template = "analytics/_dashboard.html" if request.htmx else "analytics/dashboard.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@recruiter_required
@require_GET
def export(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    if dataset not in exports.DATASETS or fmt not in exports.FORMATS:
        raise Http404("No such export.")
    form = _filter_form(request)
    if not form.is_valid():
        return HttpResponse("Invalid filters.", status=400, content_type="text/plain")
    filters = form.filters()
    membership = request.membership  # type: ignore[attr-defined]
    record_event(
        kind="analytics.exported",
        actor=request.user,
        company=membership.company,
        subject=membership.company,
        payload={"dataset": dataset, "format": fmt, "start": filters.start.isoformat(),
                 "end": filters.end.isoformat(), "job_id": filters.job_id},
    )  # fmt: skip
    response = StreamingHttpResponse(
        exports.export_stream(dataset, fmt, filters), content_type=exports.CONTENT_TYPES[fmt]
    )
    name = exports.filename(dataset, fmt, filters)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditPage:
    """One page of entries, without a count: counting a large log on every page is slow."""

    entries: list[AuditEntry]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def __iter__(self) -> Iterator[AuditEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def _audit_page(entries: QuerySet[AuditEntry], page: str | None) -> AuditPage:
    number = int(page) if page and page.isdigit() and int(page) > 0 else 1
    offset = (number - 1) * AUDIT_PAGE_SIZE
    rows = list(entries[offset : offset + AUDIT_PAGE_SIZE + 1])
    return AuditPage(rows[:AUDIT_PAGE_SIZE], number, has_next=len(rows) > AUDIT_PAGE_SIZE)


@recruiter_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """The company's audit log, newest first: for its owners only."""
    membership = request.membership  # type: ignore[attr-defined]
    if membership.role != Membership.Role.OWNER:
        raise PermissionDenied("Only the company's owners see its audit log.")
    form = AuditFilterForm(request.GET, company=membership.company)
    context: dict = {"form": form, "page": None, "retention_days": settings.AUDIT_RETENTION_DAYS}
    if not form.is_valid():
        if form.actor_is_foreign():
            raise Http404("No such member.")
        return render(request, "analytics/audit.html", context, status=400)
    query = request.GET.copy()
    query.pop("page", None)
    context |= {
        "page": _audit_page(form.entries().select_related("actor"), request.GET.get("page")),
        "query": query.urlencode(),
    }
    return render(request, "analytics/audit.html", context)
