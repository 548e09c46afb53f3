"""Match API: a candidate's recommended jobs and fit for one job; a recruiter's ranked candidates.

Every lookup is scoped to the caller: a candidate reads only their own matches, a recruiter only
the jobs of their companies (another company's job is a 404).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsCandidate, IsRecruiter, RecruiterMfaSatisfied
from jobs.models import Job
from matching import selectors, services
from matching.api.serializers import (
    CandidateMatchOutputSerializer,
    JobFitOutputSerializer,
    MatchListInputSerializer,
    RecruiterMatchListInputSerializer,
    RecruiterMatchOutputSerializer,
)
from matching.models import Match
from resumes.models import CandidateProfile


class ProfileMissing(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Upload a resume (or fill in your profile) to see your fit for jobs."
    default_code = "profile_missing"


class MatchListApi(ListAPIView):
    """The signed-in candidate's best matches with open jobs, best first."""

    permission_classes = [IsCandidate]
    serializer_class = CandidateMatchOutputSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Match]:
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        params = MatchListInputSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.matches_for_candidate(
            user=self.request.user, min_score=params.validated_data.get("min_score")
        )

    @extend_schema(operation_id="matches_list", parameters=[MatchListInputSerializer])
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class JobMatchApi(APIView):
    """The signed-in candidate's fit for one open job, computed at once when not stored yet."""

    permission_classes = [IsCandidate]

    @extend_schema(operation_id="jobs_match", responses=JobFitOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        job = get_object_or_404(Job.objects.open().select_related("company"), pk=pk)
        profile = CandidateProfile.objects.filter(user=request.user).first()
        if profile is None:
            raise ProfileMissing()
        match = selectors.matches_for_candidate(user=request.user).filter(job=job).first()
        body = {"job_id": job.pk, "eligible": True, "reason": "", "match": None}
        if match is None:
            try:
                match = services.match_pair(job=job, candidate=profile)
            except services.PairFiltered as exc:
                body |= {"eligible": False, "reason": exc.reason}
        body["match"] = match
        return Response(JobFitOutputSerializer(body).data)


class RecruiterJobMatchListApi(ListAPIView):
    """Ranked candidates of one of the recruiter's jobs, best first, with explanations."""

    permission_classes = [IsRecruiter, RecruiterMfaSatisfied]
    serializer_class = RecruiterMatchOutputSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Match]:
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        job = get_object_or_404(selectors.recruiter_jobs(self.request.user), pk=self.kwargs["pk"])
        params = RecruiterMatchListInputSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.matches_for_job(
            job=job,
            min_score=params.validated_data.get("min_score"),
            skills=params.validated_data.get("skills"),
            location=params.validated_data.get("location", ""),
        )

    @extend_schema(
        operation_id="recruiter_jobs_matches_list", parameters=[RecruiterMatchListInputSerializer]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)
