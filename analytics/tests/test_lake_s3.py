"""The lake on S3 (USE_S3): the same stream and compaction through django-storages, on moto."""

from __future__ import annotations

import datetime as dt
import io

import boto3
import pyarrow.parquet as pq
import pytest
from django.core.files.storage import storages

from analytics.lake import read_table, table_to_records
from analytics.services import compact_event_lake, publish_pending_events
from analytics.stream.parquet import ParquetEventStream
from config.settings import s3_storage_options

BUCKET = "talentmatch-lake"


@pytest.fixture
def s3(moto_reset, settings):
    client = boto3.client("s3", endpoint_url=moto_reset, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_storage_options(
                bucket_name=BUCKET, region_name="us-east-1", endpoint_url=moto_reset
            ),
        },
    }
    return client


def lake_objects(s3) -> dict[str, list[int]]:
    listing = s3.list_objects_v2(Bucket=BUCKET, Prefix="events/").get("Contents", [])
    return {
        item["Key"]: pq.read_table(
            io.BytesIO(s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read())
        )
        .column("event_id")
        .to_pylist()
        for item in listing
    }


def test_events_are_published_to_and_compacted_in_an_s3_lake(s3, make_events):
    old = make_events(4, at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    publish_pending_events(batch_size=2)
    day = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat()
    assert lake_objects(s3) == {
        f"events/dt={day}/events-{old[0]:012d}-{old[1]:012d}.parquet": old[:2],
        f"events/dt={day}/events-{old[2]:012d}-{old[3]:012d}.parquet": old[2:],
    }

    # A batch published again (after a crash) replaces its object, without a renamed copy.
    first = f"events/dt={day}/events-{old[0]:012d}-{old[1]:012d}.parquet"
    ParquetEventStream().publish(table_to_records(read_table(storages["default"], first)))
    assert len(lake_objects(s3)) == 2

    (compaction,) = compact_event_lake()

    assert compaction.files_merged == 2
    assert lake_objects(s3) == {
        f"events/dt={day}/compacted-{old[0]:012d}-{old[3]:012d}.parquet": old,
    }
