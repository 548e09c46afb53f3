"""Print the Athena/Glue table over the event lake (Parquet, partition projection on dt)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.lake import ATHENA_COLUMNS

NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class Command(BaseCommand):
    help = "Print CREATE EXTERNAL TABLE for the event lake, for Athena or the Glue catalog."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--location",
            default=settings.EVENT_LAKE_LOCATION,
            help="s3://bucket/events/ (default: EVENT_LAKE_LOCATION, set from the bucket "
            "under USE_S3)",
        )
        parser.add_argument("--database", default="talentmatch")
        parser.add_argument("--table", default="events")
        parser.add_argument(
            "--since",
            default="2024-01-01",
            help="first day partition projection considers (YYYY-MM-DD)",
        )

    def handle(self, *args, location: str, database: str, table: str, since: str, **options):
        if not location:
            raise CommandError("Give --location s3://bucket/events/ or set EVENT_LAKE_LOCATION.")
        if not location.startswith("s3://") or "'" in location:
            raise CommandError(f"The location must be an s3:// URL, not {location!r}.")
        for value in (database, table):
            if not NAME.match(value):
                raise CommandError(f"{value!r} is not a valid Athena name (a-z, 0-9, _).")
        try:
            dt.date.fromisoformat(since)
        except ValueError as exc:
            raise CommandError(f"--since must be a date (YYYY-MM-DD): {exc}") from exc
        location = location.rstrip("/") + "/"
        columns = ",\n".join(f"  `{name}` {kind}" for name, kind in ATHENA_COLUMNS)
        self.stdout.write(
            f"CREATE EXTERNAL TABLE IF NOT EXISTS `{database}`.`{table}` (\n{columns}\n)\n"
            "PARTITIONED BY (`dt` string)\n"
            "STORED AS PARQUET\n"
            f"LOCATION '{location}'\n"
            "TBLPROPERTIES (\n"
            "  'parquet.compression'='ZSTD',\n"
            "  'projection.enabled'='true',\n"
            "  'projection.dt.type'='date',\n"
            "  'projection.dt.format'='yyyy-MM-dd',\n"
            f"  'projection.dt.range'='{since},NOW',\n"
            "  'projection.dt.interval'='1',\n"
            "  'projection.dt.interval.unit'='DAYS',\n"
            f"  'storage.location.template'='{location}dt=${{dt}}/'\n"
            ");"
        )
