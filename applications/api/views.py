"""Candidate API: apply, list and read applications (with history), withdraw; notifications,
preferences and SMS consent. Every lookup is scoped to the caller: another's id is a 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsCandidate
from applications import notifications, services
from applications.api.serializers import (
    ApplicationDetailOutputSerializer,
    ApplicationListOutputSerializer,
    ApplyInputSerializer,
    MarkReadInputSerializer,
    NotificationOutputSerializer,
    PreferencesSerializer,
    QuestionOutputSerializer,
    QuestionsInputSerializer,
    SmsConsentInputSerializer,
    SmsConsentOutputSerializer,
    WithdrawInputSerializer,
)
from applications.models import Application, Notification
from jobs.models import Job
from resumes.models import Resume


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "duplicate_application"


def _refused(exc: services.PipelineError) -> exceptions.APIException:
    if isinstance(exc, services.DuplicateApplication):
        return Conflict(exc.message, code=exc.code)
    if exc.code == "not_found":
        return exceptions.NotFound(exc.message)
    return _Invalid(exc.message, code=exc.code)


class _Invalid(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"


def _own_applications(request: Request):
    return (
        Application.objects.of_candidate(request.user)
        .select_related("job__company", "stage")
        .order_by("-created_at")
    )


class ApplicationListApi(ListAPIView):
    """The candidate's applications with their current stage (newest first); POST applies."""

    permission_classes = [IsCandidate]
    serializer_class = ApplicationListOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Application.objects.none()
        return _own_applications(self.request)

    @extend_schema(request=ApplyInputSerializer, responses={201: ApplicationDetailOutputSerializer})
    def post(self, request: Request) -> Response:
        data = ApplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = Job.objects.open().filter(pk=data.validated_data["job"]).first()
        if job is None:
            raise _Invalid("job: no open job has this id.", code="job_not_open")
        resume = None
        if data.validated_data.get("resume"):
            resume = Resume.objects.filter(
                pk=data.validated_data["resume"], owner=request.user, company__isnull=True
            ).first()
            if resume is None:
                raise _Invalid("resume: not one of your resumes.", code="invalid_resume")
        try:
            application = services.apply_to_job(
                candidate=request.user,
                job=job,
                resume=resume,
                cover_letter=data.validated_data.get("cover_letter", ""),
                answers=data.validated_data.get("answers"),
                source=data.validated_data.get("source", ""),
                source_detail=data.validated_data.get("source_detail", ""),
            )
        except services.PipelineError as exc:
            raise _refused(exc) from exc
        application = (
            _own_applications(request)
            .prefetch_related("stage_changes__from_stage", "stage_changes__to_stage")
            .get(pk=application.pk)
        )
        out = ApplicationDetailOutputSerializer(application, context={"request": request})
        return Response(out.data, status=status.HTTP_201_CREATED)


class ScreeningQuestionListApi(APIView):
    """The questions to answer when applying to an open job (`?job=<id>`)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[QuestionsInputSerializer], responses=QuestionOutputSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        params = QuestionsInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        job = get_object_or_404(Job.objects.open(), pk=params.validated_data["job"])
        return Response(QuestionOutputSerializer(job.questions.all(), many=True).data)


class ApplicationDetailApi(APIView):
    permission_classes = [IsCandidate]

    @extend_schema(responses=ApplicationDetailOutputSerializer)
    def get(self, request: Request, pk: str) -> Response:
        application = get_object_or_404(
            _own_applications(request).prefetch_related(
                "stage_changes__from_stage", "stage_changes__to_stage"
            ),
            pk=pk,
        )
        return Response(
            ApplicationDetailOutputSerializer(application, context={"request": request}).data
        )


class ApplicationWithdrawApi(APIView):
    permission_classes = [IsCandidate]

    @extend_schema(request=WithdrawInputSerializer, responses=ApplicationDetailOutputSerializer)
    def post(self, request: Request, pk: str) -> Response:
        application = get_object_or_404(_own_applications(request), pk=pk)
        data = WithdrawInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.withdraw_application(
                application=application,
                candidate=request.user,
                reason=data.validated_data.get("reason", ""),
            )
        except services.PipelineError as exc:
            raise _refused(exc) from exc
        application = (
            _own_applications(request)
            .prefetch_related("stage_changes__from_stage", "stage_changes__to_stage")
            .get(pk=pk)
        )
        return Response(
            ApplicationDetailOutputSerializer(application, context={"request": request}).data
        )


class NotificationListApi(ListAPIView):
    """The signed-in user's in-app notifications, newest first; `?unread=1` for unread only."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = Notification.objects.filter(recipient=self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.unread()
        return qs


class NotificationReadApi(APIView):
    """Mark notifications read: the given `ids`, or all of them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=MarkReadInputSerializer, responses={200: None})
    def post(self, request: Request) -> Response:
        data = MarkReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = notifications.mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"marked": count, "unread": notifications.unread_count(request.user)})


class NotificationPreferencesApi(APIView):
    """Per kind and channel (in_app, email, sms): on or off. SMS also needs consent."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request: Request) -> Response:
        return Response({"preferences": self.preferences(request.user)})

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request: Request) -> Response:
        data = PreferencesSerializer(data=request.data, context={"user": request.user})
        data.is_valid(raise_exception=True)
        notifications.set_preferences(user=request.user, changes=data.validated_data["preferences"])
        return Response({"preferences": self.preferences(request.user)})

    @staticmethod
    def preferences(user) -> dict:
        return notifications.preferences_of(user, kinds=notifications.kinds_for(user))


class SmsConsentApi(APIView):
    """Candidates opt in to SMS at a phone number (recorded with time and source) or out."""

    permission_classes = [IsCandidate]

    @extend_schema(request=SmsConsentInputSerializer, responses={201: SmsConsentOutputSerializer})
    def post(self, request: Request) -> Response:
        data = SmsConsentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            consent = notifications.grant_sms_consent(
                user=request.user,
                phone=data.validated_data["phone"],
                source=data.validated_data["source"],
                ip_address=request.META.get("REMOTE_ADDR"),
            )
        except DjangoValidationError as exc:
            raise _Invalid(exc.messages[0], code="invalid_phone") from exc
        return Response(SmsConsentOutputSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        notifications.revoke_sms_consent(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
