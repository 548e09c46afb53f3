"""Candidate API for resumes and the profile (one view per operation)."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from resumes import services
from resumes.api.serializers import (
    ProfileOutputSerializer,
    ProfileUpdateSerializer,
    ResumeDetailOutputSerializer,
    ResumeOutputSerializer,
    ResumeUploadSerializer,
)
from resumes.downloads import download_response
from resumes.jsonresume import export_jsonresume, import_jsonresume
from resumes.models import CandidateProfile, Resume
from resumes.uploads import UploadRejected

STATUS_FOR_REJECTION = {
    "file_too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "unsupported_type": status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    "polyglot": status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
}


class FileRejected(exceptions.APIException):
    def __init__(self, rejection: UploadRejected) -> None:
        super().__init__(detail=rejection.message, code=rejection.code)
        self.status_code = STATUS_FOR_REJECTION.get(rejection.code, status.HTTP_400_BAD_REQUEST)


def _candidate_only(request: Request) -> None:
    if not request.user.is_candidate:
        raise exceptions.PermissionDenied("Only candidates manage resumes through the API.")


def _own_resume(request: Request, resume_id: UUID) -> Resume:
    return get_object_or_404(Resume.objects.visible_to(request.user), pk=resume_id)


class ResumeListCreateApi(ListAPIView):
    serializer_class = ResumeOutputSerializer
    parser_classes = [MultiPartParser]

    def get_queryset(self) -> QuerySet[Resume]:
        return Resume.objects.visible_to(self.request.user).order_by("-created_at")

    @extend_schema(
        request=ResumeUploadSerializer,
        responses={200: ResumeOutputSerializer, 202: ResumeOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        """Upload a resume; 202 while it is processed, 200 when these bytes were seen before."""
        _candidate_only(request)
        serializer = ResumeUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            resume, created = services.upload_resume(
                owner=request.user, file=serializer.validated_data["file"], uploaded_by=request.user
            )
        except UploadRejected as rejection:
            raise FileRejected(rejection) from rejection
        body = ResumeOutputSerializer(resume, context={"request": request}).data
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
            headers={"Location": body["url"]},
        )


class ResumeDetailApi(APIView):
    @extend_schema(responses=ResumeDetailOutputSerializer)
    def get(self, request: Request, resume_id: UUID) -> Response:
        resume = _own_resume(request, resume_id)
        return Response(ResumeDetailOutputSerializer(resume, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, resume_id: UUID) -> Response:
        resume = _own_resume(request, resume_id)
        _candidate_only(request)
        services.delete_resume(resume=resume, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResumeDownloadApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): bytes, 302: None})
    def get(self, request: Request, resume_id: UUID) -> HttpResponse:
        resume = _own_resume(request, resume_id)
        if resume.owner_id != request.user.pk:
            raise exceptions.NotFound("No such resume.")
        return download_response(resume)


class ResumeSetPrimaryApi(APIView):
    @extend_schema(request=None, responses=ResumeOutputSerializer)
    def post(self, request: Request, resume_id: UUID) -> Response:
        resume = _own_resume(request, resume_id)
        _candidate_only(request)
        services.set_primary_resume(resume=resume, actor=request.user)
        return Response(ResumeOutputSerializer(resume, context={"request": request}).data)


class ResumeRetryApi(APIView):
    @extend_schema(request=None, responses={202: ResumeOutputSerializer})
    def post(self, request: Request, resume_id: UUID) -> Response:
        resume = _own_resume(request, resume_id)
        _candidate_only(request)
        try:
            resume = services.retry_resume(resume=resume, actor=request.user)
        except ValidationError as exc:
            raise exceptions.ValidationError({"detail": exc.messages}, code="not_failed") from exc
        return Response(
            ResumeOutputSerializer(resume, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class ProfileApi(APIView):
    """The signed-in candidate's profile, parsed from their primary resume and editable."""

    def _profile(self, request: Request) -> CandidateProfile:
        _candidate_only(request)
        profile, _ = CandidateProfile.objects.get_or_create(user=request.user)
        return profile

    @extend_schema(responses=ProfileOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(ProfileOutputSerializer(self._profile(request)).data)

    @extend_schema(request=ProfileUpdateSerializer, responses=ProfileOutputSerializer)
    def patch(self, request: Request) -> Response:
        profile = self._profile(request)
        serializer = ProfileUpdateSerializer(profile, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            profile = services.edit_profile(
                profile=profile, actor=request.user, data=serializer.validated_data
            )
        except ValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response(ProfileOutputSerializer(profile).data)


class ProfileJsonResumeApi(APIView):
    """The profile as a JSON Resume document (export), or filled from one (import)."""

    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        _candidate_only(request)
        profile, _ = CandidateProfile.objects.get_or_create(user=request.user)
        return Response(export_jsonresume(profile))

    @extend_schema(request=dict, responses=ProfileOutputSerializer)
    def post(self, request: Request) -> Response:
        _candidate_only(request)
        try:
            profile = import_jsonresume(user=request.user, document=request.data)
        except ValidationError as exc:
            raise exceptions.ValidationError({"detail": exc.messages}) from exc
        return Response(ProfileOutputSerializer(profile).data)
