"""Candidate API: search open jobs, read one, save and unsave."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from accounts.api.permissions import IsCandidate
from accounts.models import Company
from analytics.services import record_event
from jobs import services
from jobs.api.serializers import (
    JobDetailOutputSerializer,
    JobListOutputSerializer,
    JobSearchInputSerializer,
    JobSearchOutputSerializer,
    SavedJobOutputSerializer,
)
from jobs.models import Job, SavedJob
from jobs.search import get_job_search
from jobs.search.base import FacetBucket, SearchUnavailable
from resumes.skills import get_skill

LABELS: dict[str, dict[str, str]] = {
    "workplace": dict(Job.Workplace.choices),
    "employment_type": dict(Job.EmploymentType.choices),
    "seniority": dict(Job.Seniority.choices),
}


# Columns a result list never shows: a page of jobs without them is a few kB instead of
# descriptions, analyses and 384-float embeddings (pgvector parses each into an array).
LIST_DEFERRED = ("description", "analysis", "analysis_error", "embedding")


class SearchUnavailableError(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Search is unavailable; try again shortly."
    default_code = "search_unavailable"


def _facet_output(facets: dict[str, list[FacetBucket]]) -> dict[str, list[dict[str, Any]]]:
    company_ids = [int(b.value) for b in facets.get("company", [])]
    companies = dict(Company.objects.filter(id__in=company_ids).values_list("id", "name"))
    out: dict[str, list[dict[str, Any]]] = {}
    for name, buckets in facets.items():
        rows = []
        for bucket in buckets:
            if name == "company":
                label = companies.get(int(bucket.value), bucket.value)
            elif name == "skills":
                skill = get_skill(bucket.value)
                label = skill.name if skill else bucket.value
            else:
                label = LABELS.get(name, {}).get(bucket.value, bucket.value)
            rows.append({"value": bucket.value, "label": label, "count": bucket.count})
        out[name] = rows
    return out


def _saved_ids(user: Any, job_ids: list[int]) -> set[int]:
    return set(
        SavedJob.objects.filter(user=user, job_id__in=job_ids).values_list("job_id", flat=True)
    )


class JobListApi(APIView):
    """Search open jobs: full-text `q` (typo tolerant), filters, sorting, facet counts."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="jobs_search",
        parameters=[JobSearchInputSerializer],
        responses=JobSearchOutputSerializer,
    )
    def get(self, request: Request) -> Response:
        params = JobSearchInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.to_query()
        try:
            result = get_job_search().search(query)
        except SearchUnavailable as exc:
            raise SearchUnavailableError() from exc
        jobs = (
            Job.objects.open().select_related("company").defer(*LIST_DEFERRED).in_bulk(result.ids)
        )
        ordered = [jobs[i] for i in result.ids if i in jobs]
        page = params.validated_data["page"]
        url = request.build_absolute_uri()
        has_next = query.offset + query.limit < result.total
        previous = None
        if page > 1:
            previous = (
                replace_query_param(url, "page", page - 1)
                if page > 2
                else remove_query_param(url, "page")
            )
        body = {
            "count": result.total,
            "next": replace_query_param(url, "page", page + 1) if has_next else None,
            "previous": previous,
            "corrected_q": result.corrected_q,
            "results": JobListOutputSerializer(
                ordered, many=True, context={"saved_ids": _saved_ids(request.user, result.ids)}
            ).data,
            "facets": _facet_output(result.facets),
        }
        return Response(body)


class JobDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="jobs_detail", responses=JobDetailOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        job = get_object_or_404(Job.objects.open().select_related("company"), pk=pk)
        # Views feed the per-job dashboard (analytics.dashboards: views → applications).
        record_event(kind="job.viewed", actor=request.user, company=job.company, subject=job)
        context = {"saved_ids": _saved_ids(request.user, [job.pk])}
        return Response(JobDetailOutputSerializer(job, context=context).data)


class JobSaveApi(APIView):
    """A candidate saves (POST) or unsaves (DELETE) an open job."""

    permission_classes = [IsCandidate]

    @extend_schema(
        operation_id="jobs_save", request=None, responses={201: SavedJobOutputSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        job = get_object_or_404(Job.objects.open(), pk=pk)
        try:
            _, created = services.save_job(user=request.user, job=job)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.messages) from exc
        return Response(
            {"saved": True, "job_id": job.pk},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(operation_id="jobs_unsave", request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        # A job closed since it was saved can still be unsaved.
        job = get_object_or_404(Job, pk=pk, saves__user=request.user)
        services.unsave_job(user=request.user, job=job)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SavedJobListApi(APIView):
    """The candidate's saved jobs that are still open, newest save first."""

    permission_classes = [IsCandidate]

    @extend_schema(
        operation_id="jobs_saved_list",
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses=JobListOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        from config.api import Pagination

        jobs = (
            Job.objects.open()
            .filter(saves__user=request.user)
            .select_related("company")
            .order_by("-saves__created_at", "-id")
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(jobs, request, view=self)
        ids = {job.pk for job in page or []}
        data = JobListOutputSerializer(page, many=True, context={"saved_ids": ids}).data
        return paginator.get_paginated_response(data)
