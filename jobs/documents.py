"""OpenSearch documents (django-opensearch-dsl). Only used when JOB_SEARCH is the OpenSearch
backend; `OPENSEARCH_DSL_AUTOSYNC` is off, so documents are written by `index_jobs` tasks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_opensearch_dsl import Document, fields
from django_opensearch_dsl.registries import registry
from opensearchpy import analyzer, token_filter
from opensearchpy.helpers.field import KnnVector

from jobs.models import EMBEDDING_DIMENSIONS, Job
from resumes.skills import get_skill

# English text with a light stemmer (KStem, not Porter): "engineers" meets "engineer" but
# "excellent" does not become "excel". Skills are also indexed as exact keywords, and a skill in
# the query searches skills and titles only.
english_stop = token_filter("job_english_stop", type="stop", stopwords="_english_")
english_stemmer = token_filter("job_english_stemmer", type="stemmer", language="light_english")
job_text = analyzer(
    "job_text",
    tokenizer="standard",
    filter=["lowercase", "asciifolding", english_stop, english_stemmer],
)


class KnnVectorField(fields.DODField, KnnVector):
    """A k-NN vector for the matching engine (django-opensearch-dsl has none)."""


@registry.register_document
class JobDocument(Document):
    job_id = fields.LongField(attr="id")  # a sortable tie-breaker (sorting on _id is deprecated)
    title = fields.TextField(analyzer=job_text, fields={"raw": fields.KeywordField()})
    description = fields.TextField(analyzer=job_text)
    skill_names = fields.TextField(analyzer=job_text)
    skills = fields.KeywordField(multi=True)
    required_skills = fields.KeywordField(multi=True)
    company_id = fields.IntegerField()
    company_name = fields.TextField(attr="company.name")
    workplace = fields.KeywordField()
    employment_type = fields.KeywordField()
    seniority = fields.KeywordField()
    country = fields.KeywordField()
    city = fields.KeywordField()
    status = fields.KeywordField()
    salary_currency = fields.KeywordField()
    salary_max_annual = fields.LongField()
    published_at = fields.DateField()
    embedding = KnnVectorField(dimension=EMBEDDING_DIMENSIONS)

    class Index:
        name = getattr(settings, "OPENSEARCH_JOB_INDEX", "talentmatch-jobs")
        settings = {"number_of_shards": 1, "number_of_replicas": 1, "index": {"knn": True}}

    class Django:
        model = Job
        ignore_signals = True  # explicit index updates only

    def get_queryset(self, *args: Any, **kwargs: Any):
        return super().get_queryset(*args, **kwargs).filter(status=Job.Status.OPEN)

    def prepare_skill_names(self, job: Job) -> list[str]:
        names: list[str] = []
        for slug in [*job.required_skills, *job.preferred_skills]:
            skill = get_skill(slug)
            if skill:
                names += [skill.name, *skill.aliases]
        return names

    def prepare_skills(self, job: Job) -> list[str]:
        return list(dict.fromkeys([*job.required_skills, *job.preferred_skills]))

    def prepare_required_skills(self, job: Job) -> list[str]:
        return list(job.required_skills)

    def prepare_city(self, job: Job) -> str:
        return job.city.casefold()

    def prepare_salary_max_annual(self, job: Job) -> int | None:
        # Hidden salaries are never filtered or sorted on in candidate search.
        return job.salary_max_annual if job.salary_visible else None

    def prepare_embedding(self, job: Job) -> list[float] | None:
        return [float(x) for x in job.embedding] if job.embedding is not None else None
