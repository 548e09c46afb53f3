from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from analytics.models import Event
from analytics.services import publish_pending_events


@pytest.fixture(autouse=True)
def lake(settings, tmp_path) -> Path:
    """A fresh local lake: the default storage (the filesystem) under a new MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT / settings.EVENT_LAKE_PREFIX


@pytest.fixture
def make_events(transactional_db, acme, recruiter):
    """`make_events(n)`: n committed events spread over a few job subjects, ids returned."""

    def make(
        n: int, *, kind: str = "job.updated", subjects: int = 3, at: dt.datetime | None = None
    ) -> list[int]:
        events = Event.objects.bulk_create(
            Event(
                kind=kind,
                actor=recruiter,
                company=acme,
                subject_type="jobs.job",
                subject_id=str(i % subjects),
                payload={"n": i},
            )
            for i in range(n)
        )
        ids = [e.pk for e in events]
        if at is not None:
            Event.objects.filter(pk__in=ids).update(created_at=at)
        return ids

    return make


def lake_files(lake: Path) -> list[Path]:
    return sorted(lake.glob("dt=*/*.parquet"))


def lake_event_ids(lake: Path) -> list[int]:
    """Every event id in every lake file, repeats included, in file order."""
    return [i for f in lake_files(lake) for i in pq.read_table(f).column("event_id").to_pylist()]


def publish_all(**kwargs) -> int:
    return publish_pending_events(**kwargs).events
