"""Recompute stored matches for one job, one candidate, or every open job.

`--all` re-ranks every open job (which also refreshes every stored pair of every candidate) with
a progress bar on stderr and a summary; a job or candidate that does not exist is an error
(exit code 1) with its id.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from jobs.models import Job
from matching import services
from resumes.models import CandidateProfile


class Command(BaseCommand):
    help = "Recompute matches: --job ID, --candidate USER_ID or --all (every open job)."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--job", type=int, help="a job's id")
        group.add_argument("--candidate", type=int, help="the candidate's user id")
        group.add_argument("--all", action="store_true", help="every open job")
        parser.add_argument("--exact", action="store_true", help="brute-force retrieval")

    def handle(self, *args: Any, **options: Any) -> None:
        exact = options["exact"]
        if options["job"] is not None:
            if not Job.objects.filter(pk=options["job"]).exists():
                raise CommandError(f"no job {options['job']}")
            n = services.recompute_matches_for_job(job_id=options["job"], exact=exact)
            self.stdout.write(f"job {options['job']}: {n} matches")
        elif options["candidate"] is not None:
            if not CandidateProfile.objects.filter(user_id=options["candidate"]).exists():
                raise CommandError(f"no candidate profile for user {options['candidate']}")
            n = services.recompute_matches_for_candidate(user_id=options["candidate"], exact=exact)
            self.stdout.write(f"candidate {options['candidate']}: {n} matches")
        else:
            ids = list(Job.objects.open().order_by("pk").values_list("pk", flat=True))
            started, stored = time.monotonic(), 0
            with tqdm(total=len(ids), unit="jobs", desc="recompute", file=self.stderr) as bar:
                for pk in ids:
                    stored += services.recompute_matches_for_job(job_id=pk, exact=exact)
                    bar.update()
            seconds = time.monotonic() - started
            self.stdout.write(
                f"{len(ids)} open jobs re-ranked, {stored} matches in {seconds:.1f} s"
            )
