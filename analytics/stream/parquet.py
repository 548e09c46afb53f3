"""The default stream: Parquet files in the default storage, the lake DuckDB and Athena read."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages

from analytics import lake
from analytics.stream.base import EventRecord


class ParquetEventStream:
    def __init__(self, *, prefix: str | None = None, storage: str | None = None) -> None:
        # The lake's place is shared with compaction and analytics_query (EVENT_LAKE_*).
        self.prefix = (prefix or settings.EVENT_LAKE_PREFIX).strip("/")
        self.storage_alias = storage or settings.EVENT_LAKE_STORAGE

    def publish(self, events: list[EventRecord]) -> None:
        """One file per day touched by the batch, named by its first and last event id.

        Publishing the same batch again (after a crash before the watermark moved) writes the
        same names, so the lake holds each event once.
        """
        storage = storages[self.storage_alias]
        by_day: dict[str, list[EventRecord]] = {}
        for event in events:  # sorted by id, so each day's list is too
            by_day.setdefault(lake.partition_day(event.occurred_at), []).append(event)
        for day, records in by_day.items():
            name = lake.file_name(self.prefix, day, records[0].event_id, records[-1].event_id)
            lake.write_table(storage, name, lake.records_to_table(records))
