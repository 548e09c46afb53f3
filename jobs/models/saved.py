"""A candidate's saved jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jobs.models.job import Job


class SavedJob(models.Model):
    """A job a candidate bookmarked in the app."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_jobs"
    )
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="saves")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "job"], name="savedjob_unique_user_job")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.job_id}"
