"""Start resumes over (extract → parse), e.g. every failed one after a fix is deployed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from resumes.models import Resume
from resumes.services import reprocess_resume


class Command(BaseCommand):
    help = "Re-enqueue resumes for extraction and parsing (by status)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--status", choices=Resume.Status.values, default=Resume.Status.FAILED)
        parser.add_argument("--limit", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        ids = Resume.objects.filter(status=options["status"]).values_list("pk", flat=True)
        ids = list(ids[: options["limit"]] if options["limit"] else ids)
        total = len(ids)
        for number, resume_id in enumerate(ids, start=1):
            resume = Resume.objects.filter(pk=resume_id).first()
            if resume is not None:
                reprocess_resume(resume=resume)
            done = number * 30 // max(total, 1)
            self.stdout.write(f"\r[{'#' * done}{'.' * (30 - done)}] {number}/{total}", ending="")
        self.stdout.write(f"\nQueued {total} resume(s) with status {options['status']!r} again.")
