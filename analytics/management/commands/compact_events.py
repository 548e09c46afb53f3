"""Merge each finished day's small Parquet files into one (what the daily task does)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.services import compact_event_lake


class Command(BaseCommand):
    help = "Compact the event lake: one file per finished day of the last --days days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument(
            "--today", default=None, help="YYYY-MM-DD: treat days before it as finished"
        )

    def handle(self, *args, days: int, today: str | None, **options) -> None:
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today must be a date (YYYY-MM-DD): {exc}") from exc
        done = compact_event_lake(days=days, today=day)
        for compaction in done:
            self.stdout.write(
                f"  {compaction.day}: {compaction.files_merged} files -> 1 "
                f"({compaction.events:,} events)"
            )
        self.stdout.write(self.style.SUCCESS(f"Compacted {len(done)} day(s)."))
