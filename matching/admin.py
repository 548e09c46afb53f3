from __future__ import annotations

from django.contrib import admin, messages

from matching import services
from matching.models import Match


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["job", "candidate", "score", "computed_at"]
    list_filter = ["computed_at", "job__company"]
    search_fields = ["job__title", "candidate__headline", "candidate__user__email"]
    raw_id_fields = ["job", "candidate"]
    readonly_fields = [f.name for f in Match._meta.fields]
    actions = ["recompute_for_jobs"]

    @admin.action(description="Recompute the matches of these jobs")
    def recompute_for_jobs(self, request, queryset) -> None:
        job_ids = set(queryset.values_list("job_id", flat=True))
        for job_id in job_ids:
            services.request_job_recompute(job_id=job_id)
        messages.info(request, f"Recompute requested for {len(job_ids)} job(s).")
