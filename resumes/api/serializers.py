from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from resumes.models import CandidateProfile, Resume
from resumes.parsing.review import profile_fields_to_review


class ResumeUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)


class ResumeOutputSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Resume
        fields = [
            "id",
            "url",
            "download_url",
            "original_name",
            "kind",
            "size",
            "status",
            "error",
            "failure_code",
            "is_primary",
            "page_count",
            "ocr_used",
            "created_at",
            "updated_at",
            "parsed_at",
        ]

    def get_url(self, resume: Resume) -> str:
        return self._absolute(reverse("api:resume-detail", args=[resume.pk]))

    def get_download_url(self, resume: Resume) -> str:
        return self._absolute(reverse("api:resume-download", args=[resume.pk]))

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ResumeDetailOutputSerializer(ResumeOutputSerializer):
    class Meta(ResumeOutputSerializer.Meta):
        fields = [*ResumeOutputSerializer.Meta.fields, "parsed", "parser_engine"]


# What a candidate may edit (ProfileUpdateSerializer); parsed ones they edit survive re-parses.
PROFILE_EDITABLE_FIELDS = [
    "full_name",
    "phone",
    "headline",
    "summary",
    "city",
    "country",
    "links",
    "years_of_experience",
    "desired_salary_min",
    "desired_salary_max",
    "desired_salary_currency",
    "desired_salary_period",
    "remote_preference",
    "preferred_locations",
    "work_authorization",
    "is_discoverable",
    "skills",
    "languages",
]


class ProfileOutputSerializer(serializers.ModelSerializer):
    needs_review = serializers.SerializerMethodField(
        help_text="Profile fields filled from a low-confidence parse (under "
        "RESUME_REVIEW_CONFIDENCE) that the candidate has not edited since: ask them to check."
    )

    class Meta:
        model = CandidateProfile
        fields = [
            *PROFILE_EDITABLE_FIELDS,
            "skill_evidence",
            "experiences",
            "educations",
            "edited_fields",
            "needs_review",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_needs_review(self, profile: CandidateProfile) -> list[str]:
        return profile_fields_to_review(profile)


class ProfileUpdateSerializer(serializers.ModelSerializer):
    """Fields a candidate may edit; parsed ones they edit are kept through re-parses."""

    class Meta:
        model = CandidateProfile
        fields = PROFILE_EDITABLE_FIELDS

    def validate(self, attrs: dict) -> dict:
        low = attrs.get("desired_salary_min", getattr(self.instance, "desired_salary_min", None))
        high = attrs.get("desired_salary_max", getattr(self.instance, "desired_salary_max", None))
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"desired_salary_min": "The minimum is above the maximum."}
            )
        return attrs
