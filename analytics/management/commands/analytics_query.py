"""Read-only SQL over the local event lake with DuckDB: `analytics_query "SELECT ..."`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.lake import QueryRefused, check_read_only, connect_lake

BAD_SQL = 2  # exit code for SQL that is refused or fails


class Command(BaseCommand):
    help = (
        "Run one SELECT over the event lake (view `events`, partition column `dt`) with "
        "DuckDB. Read-only: other statements are refused, and DuckDB may read the lake only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sql", help='e.g. "SELECT kind, count(*) FROM events GROUP BY 1"')
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args, sql: str, format: str, **options) -> None:
        storage = storages[settings.EVENT_LAKE_STORAGE]
        try:
            root = Path(storage.path(""))
        except NotImplementedError as exc:
            raise CommandError(
                "The lake is not on local disk (USE_S3); query it with Athena: "
                "`manage.py events_ddl` prints the table."
            ) from exc
        try:
            statement = check_read_only(sql)
        except QueryRefused as exc:
            raise CommandError(str(exc), returncode=BAD_SQL) from exc
        connection = connect_lake(root, settings.EVENT_LAKE_PREFIX)
        try:
            result = connection.execute(statement)
            columns = [d[0] for d in result.description]
            rows = result.fetchall()
        except duckdb.Error as exc:
            raise CommandError(f"The query failed: {exc}", returncode=BAD_SQL) from exc
        finally:
            connection.close()
        self._write(format, columns, rows)

    def _write(self, format: str, columns: list[str], rows: list[tuple]) -> None:
        if format == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(columns)
            writer.writerows(rows)
        elif format == "json":
            for row in rows:
                self.stdout.write(json.dumps(dict(zip(columns, row, strict=True)), default=str))
        else:
            cells = [[_cell(v) for v in row] for row in rows]
            widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
            self.stdout.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
            self.stdout.write("  ".join("-" * w for w in widths))
            for row in cells:
                self.stdout.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
            noun = "row" if len(rows) == 1 else "rows"
            self.stderr.write(f"({len(rows)} {noun})")


def _cell(value: object) -> str:
    return "NULL" if value is None else str(value)
