"""Rebuild the job search index: the escape hatch beside the per-job index tasks."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from jobs.models import Job
from jobs.search import ALIASES, load_backend


class Command(BaseCommand):
    help = "Index every job (open ones searchable, others removed) in batches, with progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--backend",
            default="",
            help=f"{' or '.join(ALIASES)} or a dotted path; default: settings.JOB_SEARCH",
        )
        parser.add_argument(
            "--open-only",
            action="store_true",
            help="Skip closed and draft jobs (faster; stale entries for them stay).",
        )
        parser.add_argument(
            "--recreate",
            action="store_true",
            help="OpenSearch: drop and create the index with the current mapping first.",
        )

    def handle(self, *args: Any, batch_size: int, backend: str, open_only: bool,
               recreate: bool, **options: Any) -> None:  # fmt: skip
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1.")
            return
        config = getattr(settings, "JOB_SEARCH", {}) or {}
        path = backend or config.get("BACKEND", ALIASES["postgres"])
        search = load_backend(path, {} if backend else config.get("OPTIONS", {}))
        if hasattr(search, "ensure_index"):
            search.ensure_index(recreate=recreate)
        if hasattr(search, "add_taxonomy_vocabulary"):
            search.add_taxonomy_vocabulary()
        jobs = Job.objects.open() if open_only else Job.objects.all()
        ids = list(jobs.order_by("id").values_list("id", flat=True))
        total, done, searchable = len(ids), 0, 0
        started = time.monotonic()
        self.stdout.write(f"Indexing {total} jobs with {type(search).__name__}")
        for start in range(0, total, batch_size):
            batch = ids[start : start + batch_size]
            searchable += search.index_jobs(batch)
            done += len(batch)
            elapsed = time.monotonic() - started
            rate = done / elapsed if elapsed else 0.0
            width = 30
            filled = int(width * done / total)
            self.stdout.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:.0f} jobs/s)",
                ending="",
            )
            self.stdout.flush()
        self.stdout.write("")
        if hasattr(search, "refresh_word_bits"):
            self.stdout.write(f"{search.refresh_word_bits()} frequent words got bit strings.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {done} jobs ({searchable} open) in {time.monotonic() - started:.1f} s."
            )
        )
