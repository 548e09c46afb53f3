"""Operator commands: events_ddl, analytics_query (read-only), publish_events, compact_events."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analytics.lake import ATHENA_COLUMNS, EVENT_SCHEMA


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_events_ddl_prints_an_athena_table_with_partition_projection():
    ddl = run("events_ddl", location="s3://talentmatch-media/events")

    assert ddl.startswith("CREATE EXTERNAL TABLE IF NOT EXISTS `talentmatch`.`events` (\n")
    assert [name for name, _ in ATHENA_COLUMNS] == EVENT_SCHEMA.names
    for name, kind in ATHENA_COLUMNS:
        assert f"  `{name}` {kind}" in ddl
    assert "PARTITIONED BY (`dt` string)\nSTORED AS PARQUET\n" in ddl
    assert "LOCATION 's3://talentmatch-media/events/'\n" in ddl
    assert "'projection.dt.type'='date'" in ddl
    assert "'projection.dt.format'='yyyy-MM-dd'" in ddl
    assert "'storage.location.template'='s3://talentmatch-media/events/dt=${dt}/'" in ddl
    assert ddl.rstrip().endswith(");")


def test_events_ddl_takes_its_location_from_settings_or_says_what_is_missing(settings):
    settings.EVENT_LAKE_LOCATION = "s3://lake/events/"
    assert "LOCATION 's3://lake/events/'" in run("events_ddl")

    with pytest.raises(CommandError, match="--location"):
        run("events_ddl", location="")
    with pytest.raises(CommandError, match="s3://"):
        run("events_ddl", location="/var/media/events")


@pytest.fixture
def published(make_events):
    make_events(5, subjects=2)
    make_events(2, kind="job.published")
    out = run("publish_events", batch_size=3)
    return out


def test_publish_events_reports_progress_and_throughput(published):
    lines = published.splitlines()
    assert lines[0] == "Publishing to analytics.stream.parquet.ParquetEventStream"
    assert [line.split()[0] for line in lines[1:4]] == ["3", "6", "7"]
    assert "Published 7 events in 3 batches" in lines[-1]
    assert "events/s" in lines[-1]


def test_analytics_query_answers_sql_over_the_lake(published):
    out = run(
        "analytics_query",
        "SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind",
        format="json",
    )
    assert [json.loads(line) for line in out.splitlines()] == [
        {"kind": "job.published", "n": 2},
        {"kind": "job.updated", "n": 5},
    ]
    table = run("analytics_query", "WITH t AS (SELECT dt FROM events) SELECT DISTINCT dt FROM t")
    assert table.splitlines()[2] == dt.datetime.now(dt.UTC).date().isoformat()


def test_analytics_query_on_an_empty_lake_returns_no_rows():
    out = run("analytics_query", "SELECT count(*) AS n FROM events", format="csv")
    assert out.splitlines() == ["n", "0"]


@pytest.mark.parametrize(
    "sql",
    [
        "DROP VIEW events",
        "COPY (SELECT * FROM events) TO 'out.csv'",
        "SELECT 1; SELECT 2",
        "SELECT 1; DROP VIEW events",
        "ATTACH 'other.duckdb'",
        "CREATE TABLE t AS SELECT * FROM events",
        "INSERT INTO events VALUES (1)",
        "SET enable_external_access = true",
        "PRAGMA version",
        "EXPLAIN SELECT 1",
        "SELEC 1",
    ],
)
def test_analytics_query_refuses_anything_but_one_select(sql):
    with pytest.raises(CommandError) as refused:
        run("analytics_query", sql)
    assert refused.value.returncode == 2


def test_analytics_query_cannot_read_files_outside_the_lake():
    with pytest.raises(CommandError, match="disabled by configuration") as refused:
        run("analytics_query", "SELECT * FROM read_csv('/etc/passwd')")
    assert refused.value.returncode == 2


def test_compact_events_merges_finished_days(make_events):
    make_events(4, at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    run("publish_events", batch_size=2)

    out = run("compact_events")

    day = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).date().isoformat()
    assert f"{day}: 2 files -> 1 (4 events)" in out
    assert "Compacted 0 day(s)." in run("compact_events")
