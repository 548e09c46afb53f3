"""Re-embed profiles and jobs whose vectors come from another model than the configured one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q

from jobs.models import Job
from matching import services
from matching.embeddings import get_embedder
from resumes.models import CandidateProfile


class Command(BaseCommand):
    help = "Embed every profile and job with no vector or a vector of another model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="re-embed every row")
        parser.add_argument("--only", choices=["profiles", "jobs"])

    def handle(self, *args: Any, **options: Any) -> None:
        model_id = get_embedder().model_id
        stale = Q() if options["all"] else Q(embedding__isnull=True) | ~Q(embedding_model=model_id)
        if options["only"] != "jobs":
            ids = list(CandidateProfile.objects.filter(stale).values_list("pk", flat=True))
            for i, pk in enumerate(ids, 1):
                services.embed_profile(profile_id=pk)
                self._progress("profiles", i, len(ids))
        if options["only"] != "profiles":
            ids = list(Job.objects.filter(stale).values_list("pk", flat=True))
            for i, pk in enumerate(ids, 1):
                services.embed_job(job_id=pk)
                self._progress("jobs", i, len(ids))
        self.stdout.write(
            f"done ({model_id}); the stored matches keep their old scores until re-ranked: "
            "manage.py recompute_matches --all"
        )

    def _progress(self, what: str, i: int, total: int) -> None:
        if i == total or i % 100 == 0:
            self.stdout.write(f"{what}: {i}/{total}")
