"""Recompute stored matches for one job, one candidate, or every open job."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jobs.models import Job
from matching import services


class Command(BaseCommand):
    help = "Recompute matches: --job ID, --candidate USER_ID or --all (every open job)."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--job", type=int)
        group.add_argument("--candidate", type=int, help="the candidate's user id")
        group.add_argument("--all", action="store_true")
        parser.add_argument("--exact", action="store_true", help="brute-force retrieval")

    def handle(self, *args: Any, **options: Any) -> None:
        exact = options["exact"]
        if options["job"]:
            if not Job.objects.filter(pk=options["job"]).exists():
                raise CommandError(f"no job {options['job']}")
            n = services.recompute_matches_for_job(job_id=options["job"], exact=exact)
            self.stdout.write(f"job {options['job']}: {n} matches")
        elif options["candidate"]:
            n = services.recompute_matches_for_candidate(user_id=options["candidate"], exact=exact)
            self.stdout.write(f"candidate {options['candidate']}: {n} matches")
        else:
            ids = list(Job.objects.open().values_list("pk", flat=True))
            for i, pk in enumerate(ids, 1):
                n = services.recompute_matches_for_job(job_id=pk, exact=exact)
                self.stdout.write(f"[{i}/{len(ids)}] job {pk}: {n} matches")
