"""Exports of one company's applications, stage history and funnel as CSV or Parquet.

Both formats are written chunk by chunk from a server-side cursor, so a large export neither
sits in memory nor makes the browser wait for the whole file before the first byte: the
portal streams the generator, `manage.py export_analytics` writes it to a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from analytics.dashboards import queries
from analytics.dashboards.queries import Filters
from applications.models import Application, StageChange

CHUNK = 5000
FORMATS = ("csv", "parquet")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}
TIMESTAMP = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class Dataset:
    name: str
    schema: pa.Schema
    rows: Callable[[Filters], Iterable[tuple]]
    count: Callable[[Filters], int]


def _applications(filters: Filters):
    qs = Application.objects.filter(
        job__company_id=filters.company_id,
        created_at__gte=filters.since,
        created_at__lt=filters.until,
    )
    return qs.filter(job_id=filters.job_id) if filters.job_id else qs


def _application_rows(filters: Filters) -> Iterator[tuple]:
    rows = (
        _applications(filters)
        .order_by("created_at", "id")
        .values_list(
            "id",
            "job_id",
            "job__title",
            "candidate_id",
            "candidate__first_name",
            "candidate__last_name",
            "candidate__email",
            "stage__slug",
            "stage__name",
            "stage__kind",
            "rejection_reason__label",
            "match_score",
            "created_at",
            "stage_changed_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for pk, job, title, cand, first, last, email, *rest in rows:
        yield (str(pk), job, title, cand, f"{first} {last}".strip(), email, *rest)


def _history(filters: Filters):
    return StageChange.objects.filter(application__in=_applications(filters))


def _history_rows(filters: Filters) -> Iterator[tuple]:
    rows = (
        _history(filters)
        .order_by("application__created_at", "application_id", "created_at", "id")
        .values_list(
            "id",
            "application_id",
            "application__job_id",
            "from_stage__slug",
            "to_stage__slug",
            "to_stage__kind",
            "by__email",
            "reason",
            "rejection_reason__label",
            "created_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for pk, application, *rest in rows:
        yield (pk, str(application), *rest)


def _funnel_rows(filters: Filters) -> list[tuple]:
    return [
        (s.slug, s.name, s.kind, s.reached, s.current, s.from_previous, s.from_first)
        for s in queries.funnel(filters)
    ]


def _text(*names: str) -> list[pa.Field]:
    return [pa.field(n, pa.string()) for n in names]


DATASETS: dict[str, Dataset] = {
    "applications": Dataset(
        "applications",
        pa.schema([
            pa.field("application_id", pa.string()), pa.field("job_id", pa.int64()),
            *_text("job_title"), pa.field("candidate_id", pa.int64()),
            *_text("candidate_name", "candidate_email", "stage", "stage_name", "stage_kind",
                   "rejection_reason"),
            pa.field("match_score", pa.float64()), pa.field("created_at", TIMESTAMP),
            pa.field("stage_changed_at", TIMESTAMP),
        ]),
        _application_rows,
        lambda f: _applications(f).count(),
    ),
    "stage_history": Dataset(
        "stage_history",
        pa.schema([
            pa.field("change_id", pa.int64()), pa.field("application_id", pa.string()),
            pa.field("job_id", pa.int64()),
            *_text("from_stage", "to_stage", "to_kind", "by_email", "reason", "rejection_reason"),
            pa.field("created_at", TIMESTAMP),
        ]),
        _history_rows,
        lambda f: _history(f).count(),
    ),
    "funnel": Dataset(
        "funnel",
        pa.schema([
            *_text("stage", "stage_name", "kind"), pa.field("reached", pa.int64()),
            pa.field("current", pa.int64()), pa.field("conversion_from_previous", pa.float64()),
            pa.field("conversion_from_first", pa.float64()),
        ]),
        _funnel_rows,
        lambda f: len(_funnel_rows(f)),
    ),
}  # fmt: skip


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return "" if value is None else value


def csv_stream(
    dataset: Dataset, filters: Filters, *, on_rows: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(dataset.schema.names)
    for chunk in _chunks(dataset.rows(filters), CHUNK):
        writer.writerows([_csv_value(v) for v in row] for row in chunk)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        if on_rows:
            on_rows(len(chunk))
    if buffer.tell():
        yield buffer.getvalue().encode()


class _Sink(io.RawIOBase):
    """A write-only file whose written bytes are taken out after each row group."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def parquet_stream(
    dataset: Dataset, filters: Filters, *, on_rows: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    sink = _Sink()
    writer = pq.ParquetWriter(sink, dataset.schema, compression="zstd")
    try:
        for chunk in _chunks(dataset.rows(filters), CHUNK):
            columns = list(zip(*chunk, strict=True))
            writer.write_table(pa.Table.from_arrays(
                [pa.array(c, type=f.type) for c, f in zip(columns, dataset.schema, strict=True)],
                schema=dataset.schema,
            ))  # fmt: skip
            yield sink.take()
            if on_rows:
                on_rows(len(chunk))
    finally:
        writer.close()
    yield sink.take()


def export_stream(
    name: str, fmt: str, filters: Filters, *, on_rows: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    dataset = DATASETS[name]
    stream = parquet_stream if fmt == "parquet" else csv_stream
    return stream(dataset, filters, on_rows=on_rows)


def filename(name: str, fmt: str, filters: Filters) -> str:
    scope = f"-job{filters.job_id}" if filters.job_id else ""
    return f"{name}{scope}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{fmt}"
