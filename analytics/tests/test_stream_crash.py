"""Exactly once across a crash: a real worker dies between writing a batch and the watermark."""

from __future__ import annotations

import pytest

from analytics.models import StreamCursor
from analytics.services import CRASH_AFTER_PUBLISH_ENV
from analytics.tasks import publish_events_task
from analytics.tests.conftest import lake_event_ids, lake_files

pytestmark = pytest.mark.slow


def test_a_publisher_killed_after_writing_a_batch_leaves_every_event_once(
    celery_worker_factory, make_events, settings, tmp_path
):
    settings.MEDIA_ROOT = settings.TEST_RUN_DIR / "media"  # where the worker writes
    lake = settings.MEDIA_ROOT / settings.EVENT_LAKE_PREFIX
    assert not lake_files(lake)
    ids = make_events(10)
    crashed = tmp_path / "crashed"
    worker = celery_worker_factory(
        env={CRASH_AFTER_PUBLISH_ENV: str(crashed), "EVENT_STREAM_BATCH_SIZE": "4"}
    )

    publish_events_task.delay()
    worker.wait_for(lambda: crashed.exists() and "exitcode 1" in worker.log())

    # The first batch is in the lake, the watermark has not moved: the worst moment to die.
    assert lake_event_ids(lake) == ids[:4]
    cursor = StreamCursor.objects.get(name="parquet")
    assert (cursor.last_event_id, cursor.events_published) == (0, 0)

    publish_events_task.delay()  # the next beat tick (acks_late may also redeliver the first)
    worker.wait_for(
        lambda: StreamCursor.objects.get(name="parquet").events_published == 10, timeout=90
    )
    assert lake_event_ids(lake) == ids  # each event once, in id order across the files
    assert len(lake_files(lake)) == 3
