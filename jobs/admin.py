from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from jobs import services
from jobs.models import Job, SavedJob


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = (
        "title", "company", "status", "workplace", "employment_type", "country",
        "published_at", "analysis_status", "indexed_at",
    )  # fmt: skip
    list_filter = ("status", "workplace", "employment_type", "seniority", "analysis_status",
                   "company")  # fmt: skip
    search_fields = ("title", "company__name", "external_ref", "city")
    list_select_related = ("company",)
    date_hierarchy = "created_at"
    raw_id_fields = ("company", "created_by")
    filter_horizontal = ("hiring_team",)
    readonly_fields = (
        "created_at", "updated_at", "published_at", "closed_at", "analysis_status", "analysis",
        "analysis_error", "analyzed_at", "embedding_model", "indexed_at",
    )  # fmt: skip
    exclude = ("embedding",)
    actions = ("close_selected", "reindex_selected", "reanalyse_selected")

    @admin.action(description="Close the selected open jobs")
    def close_selected(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        closed = services.close_jobs(jobs=queryset.select_related("company"), actor=request.user)
        self.message_user(request, f"Closed {closed} job(s).", messages.SUCCESS)

    @admin.action(description="Reindex the selected jobs")
    def reindex_selected(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        ids = list(queryset.values_list("id", flat=True))
        services.enqueue_job_index(job_ids=ids)
        self.message_user(request, f"Queued {len(ids)} job(s) for reindexing.", messages.SUCCESS)

    @admin.action(description="Analyse the selected jobs again")
    def reanalyse_selected(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        jobs = list(queryset)
        for job in jobs:
            job.analysis = {**job.analysis, "digest": ""}
            services.request_job_analysis(job=job)
        self.message_user(request, f"Queued {len(jobs)} job(s) for analysis.", messages.SUCCESS)


@admin.register(SavedJob)
class SavedJobAdmin(admin.ModelAdmin):
    list_display = ("user", "job", "created_at")
    search_fields = ("user__email", "job__title")
    raw_id_fields = ("user", "job")
