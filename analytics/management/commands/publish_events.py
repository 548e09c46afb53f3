"""Publish pending events to the configured stream now (what the periodic task does)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.models import StreamCursor
from analytics.services import publish_pending_events
from analytics.stream import stream_cursor_name
from analytics.stream.base import EventStreamError


class Command(BaseCommand):
    help = "Publish every event committed so far to EVENT_STREAM, batch by batch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=settings.EVENT_STREAM_BATCH_SIZE)
        parser.add_argument("--max-batches", type=int, default=None)

    def handle(self, *args, batch_size: int, max_batches: int | None, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        self.stdout.write(f"Publishing to {settings.EVENT_STREAM['BACKEND']}")
        started = time.perf_counter()
        total = 0

        def progress(count: int) -> None:
            nonlocal total
            total += count
            rate = total / max(time.perf_counter() - started, 1e-9)
            self.stdout.write(f"  {total:>10,} events  ({rate:,.0f} events/s)")

        try:
            result = publish_pending_events(
                batch_size=batch_size, max_batches=max_batches, on_batch=progress
            )
        except EventStreamError as exc:
            raise CommandError(f"The stream refused the batch: {exc}") from exc
        if result.busy:
            self.stdout.write("Another publisher is running; try again when it is done.")
        elapsed = time.perf_counter() - started
        cursor = StreamCursor.objects.get(name=stream_cursor_name())
        self.stdout.write(
            self.style.SUCCESS(
                f"Published {result.events:,} events in {result.batches} batches, "
                f"{elapsed:.1f} s ({result.events / max(elapsed, 1e-9):,.0f} events/s); "
                f"last event {cursor.last_event_id}, {cursor.events_published:,} in all."
            )
        )
