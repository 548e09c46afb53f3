"""The Kinesis and EventBridge producers, against moto's server (and botocore's Stubber for
the partial failures moto cannot produce)."""

from __future__ import annotations

import datetime as dt
import json

import boto3
import pytest
from botocore.stub import Stubber

from analytics.models import StreamCursor
from analytics.services import publish_pending_events
from analytics.stream.base import EventRecord, EventStreamError
from analytics.stream.eventbridge import EventBridgeEventStream
from analytics.stream.kinesis import KinesisEventStream

REGION = "us-east-1"


def record(event_id: int, subject: str) -> EventRecord:
    return EventRecord(
        event_id=event_id,
        schema_version=1,
        kind="job.updated",
        occurred_at=dt.datetime(2026, 11, 25, 12, 0, event_id % 60, tzinfo=dt.UTC),
        actor_id=1,
        company_id=2,
        subject_type="jobs.job",
        subject_id=subject,
        payload=json.dumps({"n": event_id}),
    )


def count_calls(client, operation: str) -> list[int]:
    """Sizes of each `operation` call the client makes (an observer, not a stub)."""
    sizes: list[int] = []
    key = "Records" if operation == "PutRecords" else "Entries"

    def observe(params, **kwargs) -> None:
        sizes.append(len(params[key]))

    client.meta.events.register(f"before-parameter-build.*.{operation}", observe)
    return sizes


# --- Kinesis ------------------------------------------------------------------------------
@pytest.fixture
def kinesis_stream(moto_reset, settings) -> str:
    client = boto3.client("kinesis", region_name=REGION, endpoint_url=moto_reset)
    client.create_stream(StreamName="talentmatch-events", ShardCount=2)
    settings.EVENT_STREAM = {
        "BACKEND": "analytics.stream.kinesis.KinesisEventStream",
        "OPTIONS": {"stream_name": "talentmatch-events", "endpoint_url": moto_reset},
        "CURSOR": "kinesis",
    }
    return moto_reset


def kinesis_records(endpoint: str) -> list[dict]:
    client = boto3.client("kinesis", region_name=REGION, endpoint_url=endpoint)
    records = []
    for shard in client.list_shards(StreamName="talentmatch-events")["Shards"]:
        iterator = client.get_shard_iterator(
            StreamName="talentmatch-events",
            ShardId=shard["ShardId"],
            ShardIteratorType="TRIM_HORIZON",
        )["ShardIterator"]
        response = client.get_records(ShardIterator=iterator, Limit=10000)
        records += [
            {"key": r["PartitionKey"], **json.loads(r["Data"])} for r in response["Records"]
        ]
    return records


def test_events_reach_kinesis_once_in_order_per_subject(kinesis_stream, make_events):
    ids = make_events(12, subjects=3)

    assert publish_pending_events().events == 12

    records = kinesis_records(kinesis_stream)
    assert sorted(r["event_id"] for r in records) == ids
    by_key: dict[str, list[int]] = {}
    for r in records:  # a shard returns its records in the order it accepted them
        by_key.setdefault(r["key"], []).append(r["event_id"])
    assert set(by_key) == {"jobs.job:0", "jobs.job:1", "jobs.job:2"}
    assert all(ids == sorted(ids) for ids in by_key.values())
    assert records[0]["schema_version"] == 1
    assert StreamCursor.objects.get(name="kinesis").events_published == 12


def test_kinesis_calls_carry_at_most_500_records_and_one_per_subject(kinesis_stream):
    stream = KinesisEventStream(stream_name="talentmatch-events", endpoint_url=kinesis_stream)
    calls = count_calls(stream.client, "PutRecords")
    events = [record(i, subject=str(i)) for i in range(1, 601)]
    events += [record(601, subject="1"), record(602, subject="1")]

    stream.publish(events)

    # Subject 1's second event rides in the second call, its third waits for a call of its own.
    assert calls == [500, 101, 1]
    assert len(kinesis_records(kinesis_stream)) == 602


def test_kinesis_resends_only_the_refused_records(moto_server):
    stream = KinesisEventStream(
        stream_name="talentmatch-events", endpoint_url=moto_server, base_delay=0
    )
    events = [record(1, "a"), record(2, "b"), record(3, "c")]
    with Stubber(stream.client) as stub:
        stub.add_response(
            "put_records",
            {
                "FailedRecordCount": 1,
                "Records": [
                    {"SequenceNumber": "1", "ShardId": "shardId-0"},
                    {"ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": "x"},
                    {"SequenceNumber": "2", "ShardId": "shardId-0"},
                ],
            },
            {"StreamName": "talentmatch-events", "Records": [
                {"Data": e.as_json().encode(), "PartitionKey": e.partition_key} for e in events
            ]},
        )  # fmt: skip
        stub.add_response(
            "put_records",
            {"Records": [{"SequenceNumber": "3", "ShardId": "s"}]},
            {"StreamName": "talentmatch-events", "Records": [
                {"Data": events[1].as_json().encode(), "PartitionKey": "jobs.job:b"}
            ]},
        )  # fmt: skip
        stream.publish(events)
        stub.assert_no_pending_responses()


def test_a_missing_kinesis_stream_is_a_permanent_error_and_the_watermark_stays(
    moto_reset, settings, make_events
):
    settings.EVENT_STREAM = {
        "BACKEND": "analytics.stream.kinesis.KinesisEventStream",
        "OPTIONS": {"stream_name": "nowhere", "endpoint_url": moto_reset},
        "CURSOR": "kinesis",
    }
    make_events(2)

    with pytest.raises(EventStreamError, match="ResourceNotFoundException"):
        publish_pending_events()

    cursor = StreamCursor.objects.get(name="kinesis")
    assert (cursor.last_event_id, cursor.events_published) == (0, 0)
    assert "ResourceNotFoundException" in cursor.last_error


# --- EventBridge --------------------------------------------------------------------------
@pytest.fixture
def event_bus_queue(moto_reset, settings) -> str:
    """A bus whose rule sends every Talentmatch event to an SQS queue; yields the queue URL."""
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=moto_reset)
    events = boto3.client("events", region_name=REGION, endpoint_url=moto_reset)
    queue_url = sqs.create_queue(QueueName="talentmatch-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    events.create_event_bus(Name="talentmatch")
    events.put_rule(
        Name="all-events",
        EventBusName="talentmatch",
        EventPattern=json.dumps({"source": ["talentmatch"]}),
    )
    events.put_targets(
        Rule="all-events", EventBusName="talentmatch", Targets=[{"Id": "queue", "Arn": queue_arn}]
    )
    settings.EVENT_STREAM = {
        "BACKEND": "analytics.stream.eventbridge.EventBridgeEventStream",
        "OPTIONS": {"event_bus_name": "talentmatch", "endpoint_url": moto_reset},
        "CURSOR": "eventbridge",
    }
    return queue_url


def queued_events(endpoint: str, queue_url: str, expected: int) -> list[dict]:
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=endpoint)
    messages: list[dict] = []
    for _ in range(20):
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        messages += [json.loads(m["Body"]) for m in batch]
        if len(messages) >= expected and not batch:
            break
    return messages


def test_events_reach_an_eventbridge_rule_target_once(event_bus_queue, moto_reset, make_events):
    ids = make_events(12, subjects=12)

    assert publish_pending_events().events == 12

    messages = queued_events(moto_reset, event_bus_queue, expected=12)
    assert sorted(m["detail"]["event_id"] for m in messages) == ids
    first = min(messages, key=lambda m: m["detail"]["event_id"])
    assert (first["source"], first["detail-type"]) == ("talentmatch", "job.updated")
    assert json.loads(first["detail"]["payload"]) == {"n": 0}


def test_eventbridge_calls_carry_at_most_ten_entries(event_bus_queue, moto_reset):
    stream = EventBridgeEventStream(event_bus_name="talentmatch", endpoint_url=moto_reset)
    calls = count_calls(stream.client, "PutEvents")

    stream.publish([record(i, subject=str(i)) for i in range(1, 24)])

    assert calls == [10, 10, 3]


def test_eventbridge_resends_only_the_refused_entries(moto_server):
    stream = EventBridgeEventStream(
        event_bus_name="talentmatch", endpoint_url=moto_server, base_delay=0
    )
    events = [record(1, "a"), record(2, "b")]
    with Stubber(stream.client) as stub:
        stub.add_response(
            "put_events",
            {"FailedEntryCount": 1, "Entries": [
                {"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"},
                {"EventId": "e2"},
            ]},
            {"Entries": [stream._entry(e) for e in events]},
        )  # fmt: skip
        stub.add_response(
            "put_events",
            {"FailedEntryCount": 0, "Entries": [{"EventId": "e1"}]},
            {"Entries": [stream._entry(events[0])]},
        )
        stream.publish(events)
        stub.assert_no_pending_responses()
