"""Input and output serializers, one pair per operation."""

from __future__ import annotations

from rest_framework import serializers

from applications.models import (
    CLAIMABLE_SOURCES,
    Application,
    Channel,
    Notification,
    StageChange,
)
from applications.notifications.preferences import kinds_for


class ApplyInputSerializer(serializers.Serializer):
    job = serializers.IntegerField()
    resume = serializers.UUIDField(required=False, allow_null=True)
    cover_letter = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    answers = serializers.DictField(
        child=serializers.CharField(max_length=5000, allow_blank=True),
        required=False,
        help_text="Question id → answer, for the job's screening questions.",
    )
    source = serializers.ChoiceField(
        choices=CLAIMABLE_SOURCES,
        required=False,
        help_text="How the candidate found the job; left out: sourced when the company had "
        "uploaded the candidate's resume, else direct.",
    )
    source_detail = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Free text such as a utm_source value, a board's name or who referred.",
    )


class AnswerOutputSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    prompt = serializers.CharField()
    answer = serializers.CharField()


class StageOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class StageChangeOutputSerializer(serializers.ModelSerializer):
    from_stage = StageOutputSerializer(allow_null=True)
    to_stage = StageOutputSerializer()

    class Meta:
        model = StageChange
        fields = ["from_stage", "to_stage", "created_at"]


class JobSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    company = serializers.CharField(source="company.name")


class ApplicationListOutputSerializer(serializers.ModelSerializer):
    job = JobSummarySerializer()
    stage = StageOutputSerializer()
    url = serializers.HyperlinkedIdentityField(view_name="api:application-detail")

    class Meta:
        model = Application
        fields = ["id", "url", "job", "stage", "source", "created_at", "stage_changed_at"]


class ApplicationDetailOutputSerializer(ApplicationListOutputSerializer):
    history = StageChangeOutputSerializer(source="stage_changes", many=True)
    resume = serializers.UUIDField(source="resume_id", allow_null=True)
    can_withdraw = serializers.SerializerMethodField()
    answers = AnswerOutputSerializer(many=True)

    class Meta(ApplicationListOutputSerializer.Meta):
        fields = [
            *ApplicationListOutputSerializer.Meta.fields,
            "resume",
            "source_detail",
            "cover_letter",
            "answers",
            "history",
            "can_withdraw",
        ]

    def get_can_withdraw(self, obj: Application) -> bool:
        return not obj.stage.is_terminal


class QuestionsInputSerializer(serializers.Serializer):
    job = serializers.IntegerField()


class QuestionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    prompt = serializers.CharField()
    required = serializers.BooleanField()


class WithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class NotificationOutputSerializer(serializers.ModelSerializer):
    application = serializers.UUIDField(source="application_id", allow_null=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "application", "created_at", "read", "read_at"]

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class MarkReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)


class PreferencesSerializer(serializers.Serializer):
    """`{kind: {channel: bool}}` for the kinds the caller receives and every channel."""

    preferences = serializers.DictField(
        child=serializers.DictField(child=serializers.BooleanField())
    )

    def validate_preferences(self, value: dict) -> dict:
        allowed = kinds_for(self.context["user"])
        for kind, channels in value.items():
            if kind not in allowed:
                raise serializers.ValidationError(f"Unknown kind {kind!r}.")
            for channel in channels:
                if channel not in Channel.values:
                    raise serializers.ValidationError(f"Unknown channel {channel!r}.")
        return value


class SmsConsentInputSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20)
    source = serializers.CharField(max_length=64, required=False, default="app")


class SmsConsentOutputSerializer(serializers.Serializer):
    phone = serializers.CharField()
    source = serializers.CharField()
    granted_at = serializers.DateTimeField()
