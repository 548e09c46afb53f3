"""Match API shapes, one per operation. Stored JSON (components, explanation) read as mappings."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matching.models import Match
from resumes.skills import normalize_skill


class MatchListInputSerializer(serializers.Serializer):
    min_score = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)


class SkillListField(serializers.CharField):
    """`?skills=python,django`: taxonomy slugs (aliases accepted), every one required."""

    def to_internal_value(self, data: Any) -> list[str]:
        slugs = []
        for part in str(super().to_internal_value(data)).split(","):
            if not part.strip():
                continue
            slug = normalize_skill(part.strip())
            if slug is None:
                raise serializers.ValidationError(f"Unknown skill {part.strip()!r}.")
            slugs.append(slug)
        if len(slugs) > 10:
            raise serializers.ValidationError("At most 10 skills.")
        return slugs


class RecruiterMatchListInputSerializer(MatchListInputSerializer):
    skills = SkillListField(
        required=False, help_text="Comma-separated skills every candidate must have."
    )
    location = serializers.CharField(
        required=False,
        max_length=200,
        help_text='Candidates in a city ("Lisbon"), a country ("PT", "Portugal") or both '
        '("Lisbon, PT").',
    )


class ComponentsSerializer(serializers.Serializer):
    lexical = serializers.FloatField(help_text="Skill coverage and keyword relevance, 0-1.")
    semantic = serializers.FloatField(help_text="Embedding similarity, 0-1.")
    traditional = serializers.FloatField(
        help_text="Experience, seniority, location, salary, education, languages, 0-1."
    )


class SkillEvidenceSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    evidence = serializers.CharField(help_text="The resume line that shows the skill, or empty.")


class ExplanationSerializer(serializers.Serializer):
    matched_required = SkillEvidenceSerializer(many=True)
    matched_preferred = SkillEvidenceSerializer(many=True)
    missing_required = serializers.ListField(child=serializers.CharField())
    missing_preferred = serializers.ListField(child=serializers.CharField())
    factors = serializers.DictField(
        child=serializers.CharField(), help_text="One sentence per factor."
    )


class MatchJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    company = serializers.CharField(source="company.name")
    location = serializers.CharField(source="location_label")
    workplace = serializers.CharField()


class CandidateMatchOutputSerializer(serializers.Serializer):
    """A candidate's match with one open job (their own)."""

    job = MatchJobSerializer()
    score = serializers.FloatField(help_text="Hybrid score, 0-1.")
    components = ComponentsSerializer()
    explanation = ExplanationSerializer()
    computed_at = serializers.DateTimeField()


class JobFitOutputSerializer(serializers.Serializer):
    """The candidate's fit for one job: a match, or why the pair is not ranked at all."""

    job_id = serializers.IntegerField()
    eligible = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why not eligible (a hard filter); empty otherwise.")
    match = CandidateMatchOutputSerializer(allow_null=True)


class RequirementVerdictSerializer(serializers.Serializer):
    requirement = serializers.CharField()
    verdict = serializers.ChoiceField(choices=["met", "partially_met", "not_met"])
    evidence = serializers.CharField()
    reason = serializers.CharField()


class LlmVerdictSerializer(serializers.Serializer):
    fit = serializers.FloatField(help_text="The LLM's overall fit, 0-1 (advice, not the score).")
    summary = serializers.CharField()
    model_id = serializers.CharField()
    requirements = RequirementVerdictSerializer(many=True)


class MatchCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The candidate profile id.")
    name = serializers.CharField()
    headline = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()


class RecruiterMatchOutputSerializer(serializers.Serializer):
    candidate = serializers.SerializerMethodField()
    score = serializers.FloatField(help_text="Hybrid score, 0-1.")
    components = ComponentsSerializer()
    explanation = ExplanationSerializer()
    llm_verdict = serializers.SerializerMethodField()
    feedback = serializers.ChoiceField(
        choices=Match.Feedback.choices, help_text="Shortlisted or hidden by a recruiter."
    )
    computed_at = serializers.DateTimeField()

    @extend_schema_field(MatchCandidateSerializer)
    def get_candidate(self, match: Match) -> dict[str, Any]:
        from matching.selectors import candidate_label

        profile = match.candidate
        return {
            "id": profile.pk,
            "name": candidate_label(match),
            "headline": profile.headline,
            "city": profile.city,
            "country": profile.country,
        }

    @extend_schema_field(LlmVerdictSerializer(allow_null=True))
    def get_llm_verdict(self, match: Match) -> dict[str, Any] | None:
        verdict = match.current_verdict
        return LlmVerdictSerializer(verdict).data if verdict else None
