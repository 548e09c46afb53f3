"""Candidate API input and output shapes, one per operation."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jobs.models import Job
from jobs.search.base import SORTS, JobQuery
from resumes.skills import get_skill, normalize_skill

MAX_PAGE_SIZE = 100
MAX_PAGE = 500  # deep pages are a scraping pattern, not a search one


class CommaListField(serializers.ListField):
    """A list given as `?x=a,b` or `?x=a&x=b`."""

    def get_value(self, dictionary: Any) -> Any:
        if self.field_name not in dictionary:
            return serializers.empty
        values = (
            dictionary.getlist(self.field_name)
            if hasattr(dictionary, "getlist")
            else [dictionary[self.field_name]]
        )
        return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


class SkillSlugField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        slug = normalize_skill(super().to_internal_value(data))
        if slug is None:
            raise serializers.ValidationError(f"Unknown skill {data!r}.")
        return slug


class JobSearchInputSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False)
    city = serializers.CharField(required=False, max_length=120)
    workplace = CommaListField(
        child=serializers.ChoiceField(choices=Job.Workplace.choices), required=False
    )
    employment_type = CommaListField(
        child=serializers.ChoiceField(choices=Job.EmploymentType.choices), required=False
    )
    seniority = CommaListField(
        child=serializers.ChoiceField(choices=Job.Seniority.choices), required=False
    )
    salary_min = serializers.IntegerField(required=False, min_value=0, max_value=100_000_000)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False)
    skills_all = CommaListField(child=SkillSlugField(), required=False, max_length=10)
    skills_any = CommaListField(child=SkillSlugField(), required=False, max_length=10)
    posted_within_days = serializers.IntegerField(required=False, min_value=1, max_value=365)
    company = serializers.IntegerField(required=False, min_value=1)
    sort = serializers.ChoiceField(choices=SORTS, required=False)
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=1)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=20
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "salary_min" in attrs and "currency" not in attrs:
            raise serializers.ValidationError({"currency": "Give the currency of salary_min."})
        return attrs

    def to_query(self) -> JobQuery:
        data = self.validated_data
        q = data.get("q", "").strip()
        page, size = data["page"], data["page_size"]
        return JobQuery(
            q=q,
            country=data.get("country", "").upper(),
            city=data.get("city", "").strip(),
            workplace=tuple(data.get("workplace", ())),
            employment_type=tuple(data.get("employment_type", ())),
            seniority=tuple(data.get("seniority", ())),
            salary_at_least=data.get("salary_min"),
            currency=data.get("currency", "").upper(),
            skills_all=tuple(dict.fromkeys(data.get("skills_all", ()))),
            skills_any=tuple(dict.fromkeys(data.get("skills_any", ()))),
            posted_within_days=data.get("posted_within_days"),
            company=data.get("company"),
            sort=data.get("sort") or ("relevance" if q else "newest"),
            offset=(page - 1) * size,
            limit=size,
        )


def skill_list(slugs: list[str]) -> list[dict[str, str]]:
    out = []
    for slug in slugs:
        skill = get_skill(slug)
        out.append({"slug": slug, "name": skill.name if skill else slug})
    return out


class CompanyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SkillOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class SalaryOutputSerializer(serializers.Serializer):
    min = serializers.IntegerField(allow_null=True)
    max = serializers.IntegerField(allow_null=True)
    currency = serializers.CharField()
    period = serializers.CharField()


class JobListOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    company = CompanyOutputSerializer()
    location = serializers.CharField(source="location_label")
    city = serializers.CharField()
    country = serializers.CharField()
    workplace = serializers.CharField()
    employment_type = serializers.CharField()
    seniority = serializers.CharField()
    salary = serializers.SerializerMethodField()
    required_skills = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField()
    is_saved = serializers.SerializerMethodField()

    @extend_schema_field(SalaryOutputSerializer(allow_null=True))
    def get_salary(self, job: Job) -> dict[str, Any] | None:
        if not job.salary_visible or (job.salary_min is None and job.salary_max is None):
            return None  # hidden salaries still count for matching, never shown
        return {
            "min": job.salary_min,
            "max": job.salary_max,
            "currency": job.salary_currency,
            "period": job.salary_period,
        }

    @extend_schema_field(SkillOutputSerializer(many=True))
    def get_required_skills(self, job: Job) -> list[dict[str, str]]:
        return skill_list(job.required_skills)

    def get_is_saved(self, job: Job) -> bool:
        return job.pk in self.context.get("saved_ids", set())


class JobDetailOutputSerializer(JobListOutputSerializer):
    description = serializers.CharField()
    description_html = serializers.CharField()
    region = serializers.CharField()
    remote_countries = serializers.ListField(child=serializers.CharField())
    remote_timezones = serializers.ListField(child=serializers.CharField())
    preferred_skills = serializers.SerializerMethodField()
    years_min = serializers.IntegerField(allow_null=True)
    years_max = serializers.IntegerField(allow_null=True)
    education = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    closes_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(SkillOutputSerializer(many=True))
    def get_preferred_skills(self, job: Job) -> list[dict[str, str]]:
        return skill_list(job.preferred_skills)


class FacetBucketOutputSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class JobSearchOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    corrected_q = serializers.CharField()
    results = JobListOutputSerializer(many=True)
    facets = serializers.DictField(child=FacetBucketOutputSerializer(many=True))


class SavedJobOutputSerializer(serializers.Serializer):
    saved = serializers.BooleanField()
    job_id = serializers.IntegerField()
