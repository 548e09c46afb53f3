"""The event lake: Parquet files under `<prefix>/dt=YYYY-MM-DD/` in a Django storage.

Written through Django's storage API so the same code writes local files (`var/media`) and
S3 objects (`USE_S3`). File names come from the events they hold
(`events-<first id>-<last id>.parquet`), so writing the same batch again replaces the file
instead of adding a copy. `analytics_query` reads the local lake with DuckDB; Athena reads the
S3 one (`events_ddl`).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.core.files.base import ContentFile
from django.core.files.storage import Storage

from analytics.stream.base import EventRecord

# Column order and types of every lake file (docs/events.md); `dt` is the Hive partition.
EVENT_SCHEMA = pa.schema(
    [
        pa.field("event_id", pa.int64(), nullable=False),
        pa.field("schema_version", pa.int32(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("occurred_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("actor_id", pa.int64()),
        pa.field("company_id", pa.int64()),
        pa.field("subject_type", pa.string(), nullable=False),
        pa.field("subject_id", pa.string(), nullable=False),
        pa.field("payload", pa.string(), nullable=False),
    ]
)
# Athena/Glue column types for EVENT_SCHEMA, in the same order.
ATHENA_COLUMNS = [
    ("event_id", "bigint"),
    ("schema_version", "int"),
    ("kind", "string"),
    ("occurred_at", "timestamp"),
    ("actor_id", "bigint"),
    ("company_id", "bigint"),
    ("subject_type", "string"),
    ("subject_id", "string"),
    ("payload", "string"),
]
COMPRESSION = "zstd"


def partition_day(occurred_at: dt.datetime) -> str:
    return occurred_at.astimezone(dt.UTC).date().isoformat()


def file_name(prefix: str, day: str, first_id: int, last_id: int, *, stem: str = "events") -> str:
    return f"{prefix}/dt={day}/{stem}-{first_id:012d}-{last_id:012d}.parquet"


def records_to_table(records: list[EventRecord]) -> pa.Table:
    columns = {name: [getattr(r, name) for r in records] for name in EVENT_SCHEMA.names}
    return pa.Table.from_pydict(columns, schema=EVENT_SCHEMA)


def table_to_records(table: pa.Table) -> list[EventRecord]:
    return [EventRecord(**row) for row in table.select(EVENT_SCHEMA.names).to_pylist()]


def write_table(storage: Storage, name: str, table: pa.Table) -> None:
    """Write `table` to exactly `name`, replacing a file left there by an earlier attempt."""
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression=COMPRESSION)
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(buffer.getvalue()))
    if saved != name:  # another writer got in between; the lock in the publisher prevents it
        storage.delete(saved)
        raise RuntimeError(f"{name} was recreated while it was being written.")


def read_table(storage: Storage, name: str) -> pa.Table:
    with storage.open(name, "rb") as handle:
        return pq.read_table(io.BytesIO(handle.read()), schema=EVENT_SCHEMA)


def partition_days(storage: Storage, prefix: str) -> list[str]:
    try:
        directories, _ = storage.listdir(prefix)
    except FileNotFoundError:  # nothing published yet (S3 simply lists nothing)
        return []
    return sorted(d.removeprefix("dt=") for d in directories if d.startswith("dt="))


def partition_files(storage: Storage, prefix: str, day: str) -> list[str]:
    folder = f"{prefix}/dt={day}"
    try:
        _, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(f"{folder}/{f}" for f in files if f.endswith(".parquet"))


@dataclass(frozen=True)
class Compaction:
    day: str
    files_merged: int
    events: int
    name: str


def compact_partition(storage: Storage, prefix: str, day: str) -> Compaction | None:
    """Merge a day's files into one, sorted by event_id; None when there is nothing to merge.

    Idempotent and safe to interrupt: the merged file is written before the small ones are
    deleted, and duplicates by event_id (left by an interrupted run) are dropped on the next.
    """
    names = partition_files(storage, prefix, day)
    if len(names) <= 1:
        return None
    table = pa.concat_tables([read_table(storage, name) for name in names]).sort_by("event_id")
    ids = table.column("event_id").combine_chunks()
    if len(ids) > 1:  # keep the first row of each event_id
        repeats = pc.equal(ids.slice(1), ids.slice(0, len(ids) - 1))
        table = table.filter(pa.concat_arrays([pa.array([True]), pc.invert(repeats)]))
    first, last = table.column("event_id")[0].as_py(), table.column("event_id")[-1].as_py()
    merged = file_name(prefix, day, first, last, stem="compacted")
    write_table(storage, merged, table)
    for name in names:
        if name != merged:
            storage.delete(name)
    return Compaction(day=day, files_merged=len(names), events=table.num_rows, name=merged)


# --- DuckDB over the local lake ----------------------------------------------------------
class QueryRefused(Exception):
    """The SQL is not a single read-only SELECT/WITH statement, or does not parse."""


def check_read_only(sql: str) -> str:
    """The one SELECT statement in `sql`, or QueryRefused."""
    parser = duckdb.connect(":memory:")
    try:
        statements = parser.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"The SQL does not parse: {exc}") from exc
    finally:
        parser.close()
    if len(statements) != 1:
        raise QueryRefused(f"Give exactly one statement (got {len(statements)}).")
    statement = statements[0]
    # WITH ... SELECT parses as a SELECT; EXPLAIN, COPY, ATTACH, PRAGMA, SET... are refused.
    if statement.type != duckdb.StatementType.SELECT:
        raise QueryRefused(f"Only SELECT queries are allowed (got {statement.type.name}).")
    return statement.query


def connect_lake(root: Path, prefix: str = "events") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a view `events` over the lake, allowed to read only there."""
    lake = (root / prefix).resolve()
    connection = duckdb.connect(":memory:")
    if any(lake.glob("dt=*/*.parquet")):
        pattern = str(lake / "*" / "*.parquet").replace("'", "''")  # a path we built
        source = f"read_parquet('{pattern}', hive_partitioning = true, union_by_name = true)"
        connection.execute(f"CREATE VIEW events AS SELECT * FROM {source}")  # noqa: S608
    else:  # an empty lake answers with no rows rather than "no files found"
        columns = ", ".join(f"CAST(NULL AS {duck}) AS {name}" for name, duck in _duckdb_columns())
        connection.execute(f"CREATE VIEW events AS SELECT {columns} WHERE false")
    lake_dir = str(lake).replace("'", "''") + "/"
    connection.execute(f"SET allowed_directories = ['{lake_dir}']")
    connection.execute("SET enable_external_access = false")  # no other file, no network
    connection.execute("SET lock_configuration = true")
    return connection


def _duckdb_columns() -> list[tuple[str, str]]:
    types = {"bigint": "BIGINT", "int": "INTEGER", "string": "VARCHAR"}
    columns = [(n, types.get(t, "TIMESTAMPTZ")) for n, t in ATHENA_COLUMNS]
    return [*columns, ("dt", "DATE")]
