"""Daily compaction: each finished day's small files become one, idempotently."""

from __future__ import annotations

import datetime as dt
import shutil

from analytics.services import compact_event_lake, publish_pending_events
from analytics.tests.conftest import lake_event_ids

NOW = dt.datetime.now(dt.UTC)
TODAY = NOW.date()
YESTERDAY = TODAY - dt.timedelta(days=1)


def day_files(lake, day: dt.date):
    return sorted((lake / f"dt={day.isoformat()}").glob("*.parquet"))


def test_compaction_merges_each_finished_day_into_one_file_and_leaves_today(make_events, lake):
    old = make_events(5, at=NOW - dt.timedelta(days=1))
    new = make_events(3)
    publish_pending_events(batch_size=2)
    assert len(day_files(lake, YESTERDAY)) == 3
    assert len(day_files(lake, TODAY)) == 2

    (compaction,) = compact_event_lake(today=TODAY)

    assert (compaction.day, compaction.files_merged, compaction.events) == (
        YESTERDAY.isoformat(),
        3,
        5,
    )
    (merged,) = day_files(lake, YESTERDAY)
    assert merged.name == f"compacted-{old[0]:012d}-{old[-1]:012d}.parquet"
    assert len(day_files(lake, TODAY)) == 2  # today's partition is still being written
    assert sorted(lake_event_ids(lake)) == sorted(old + new)
    assert compact_event_lake(today=TODAY) == []  # nothing left to do the second time


def test_an_interrupted_compaction_is_finished_by_the_next_run(make_events, lake, tmp_path):
    """Compaction writes the merged file before deleting the small ones; dying in between
    leaves events twice in the day until the next run, which keeps one of each."""
    ids = make_events(6, at=NOW - dt.timedelta(days=1))
    publish_pending_events(batch_size=3)
    small = day_files(lake, YESTERDAY)
    saved = tmp_path / "saved"
    saved.mkdir()
    for path in small:
        shutil.copy(path, saved / path.name)
    compact_event_lake(today=TODAY)
    for path in small[:1]:  # as if the run died before deleting this one
        shutil.copy(saved / path.name, path)
    assert len(lake_event_ids(lake)) == 9

    compact_event_lake(today=TODAY)

    assert lake_event_ids(lake) == ids
    assert len(day_files(lake, YESTERDAY)) == 1


def test_late_events_added_to_a_compacted_day_are_merged_next_time(make_events, lake):
    first = make_events(2, at=NOW - dt.timedelta(days=1))
    publish_pending_events()
    late = make_events(1, at=NOW - dt.timedelta(days=1))  # committed after midnight
    publish_pending_events()
    assert len(day_files(lake, YESTERDAY)) == 2

    compact_event_lake(today=TODAY)

    assert len(day_files(lake, YESTERDAY)) == 1
    assert [i for i in lake_event_ids(lake) if i in first + late] == first + late
