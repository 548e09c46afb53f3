"""What the PostgreSQL search backend reads: narrow tables of open jobs kept by triggers, and
the typo vocabulary. The bit strings it counts with (`jobs_searchbits`, migration 0004) are a
plain table written by triggers only, with no model."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from jobs.models.job import Job


class SearchTerm(models.Model):
    """Vocabulary of indexed words, for typo correction by trigram distance ("pyhton")."""

    word = models.CharField(max_length=64, primary_key=True)

    class Meta:
        indexes = [
            GistIndex(fields=["word"], name="searchterm_word_trgm", opclasses=["gist_trgm_ops"])
        ]

    def __str__(self) -> str:
        return self.word


class SearchRow(models.Model):
    """One open job as search reads it: only what filters, facets, sorting and ranking need.

    Written only by the `jobs_search_write` trigger function (migration 0003): a row exists
    exactly while its job is open, and matches it in the same transaction. Narrow on purpose
    (about 400 bytes, no description) so a broad search visits few heap pages.
    """

    job = models.OneToOneField(
        Job, primary_key=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    company_id = models.BigIntegerField()
    published_at = models.DateTimeField(null=True)
    workplace = models.CharField(max_length=8)
    employment_type = models.CharField(max_length=16)
    seniority = models.CharField(max_length=16)
    country = models.CharField(max_length=2)
    city = models.CharField(max_length=120)  # lower case
    salary_currency = models.CharField(max_length=3)
    salary = models.BigIntegerField(null=True)  # annual maximum; null when hidden
    required_skills = ArrayField(models.CharField(max_length=64))
    skills = ArrayField(models.CharField(max_length=64))  # required and preferred
    head = SearchVectorField()  # title (A), required (A) and preferred (B) skill lexemes

    class Meta:
        indexes = [
            GinIndex(fields=["head"], name="searchrow_head_gin"),
            GinIndex(fields=["skills"], name="searchrow_skills_gin"),
            models.Index(fields=["-published_at", "-job"], name="searchrow_newest"),
            # When the jobs of a sparse match set were published, from the index alone.
            models.Index(fields=["job"], include=["published_at"], name="searchrow_published"),
            # The most selective everyday filters; combined with the GIN indexes by bitmap AND.
            models.Index(fields=["country"], name="searchrow_country"),
            models.Index(fields=["company_id"], name="searchrow_company"),
            # The rows of a salary band only partly above a "salary at least" filter.
            models.Index(fields=["salary_currency", "salary"], name="searchrow_salary"),
        ]

    def __str__(self) -> str:
        return f"search row of job {self.job_id}"


class SearchText(models.Model):
    """Every word of an open job (title, skills, company, place, description) for matching
    plain query words; kept apart from `SearchRow` so that table stays narrow. Written by the
    same trigger function."""

    job = models.OneToOneField(
        Job, primary_key=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    document = SearchVectorField()

    class Meta:
        indexes = [GinIndex(fields=["document"], name="searchtext_document_gin")]

    def __str__(self) -> str:
        return f"search text of job {self.job_id}"
