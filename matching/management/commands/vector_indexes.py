"""Build the candidate table's vector indexes now, as the daily beat tasks would: its IVF index
(from `IVF_MIN_ROWS` profiles, rebuilt when the table doubled or halved) and the partial HNSW
index of each country that qualifies. For after a bulk import, or to see what there is."""

from __future__ import annotations

import time
from contextlib import ExitStack
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from matching.services import indexes


def add_build_arguments(parser: CommandParser) -> None:
    """The index builds' options, shared with `bench_matching`."""
    parser.add_argument(
        "--country-index-rows",
        type=int,
        default=indexes.COUNTRY_INDEX_MIN_ROWS,
        help="on-site candidates from which a country gets its own HNSW index",
    )
    parser.add_argument(
        "--maintenance-work-mem", default="1GB", help="for the builds (an IVF index of 1M: 4GB)"
    )


class Command(BaseCommand):
    help = (
        "Build or rebuild the candidate vector indexes now (concurrently: the table is writable)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--ivf-min-rows",
            type=int,
            default=indexes.IVF_MIN_ROWS,
            help="profiles from which the table is searched through an IVF index",
        )
        add_build_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("ivf_min_rows", "country_index_rows"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1")
        with connection.cursor() as cursor, ExitStack() as stack:
            try:
                stack.enter_context(indexes.build_settings(cursor, options["maintenance_work_mem"]))
            except DatabaseError as error:  # PostgreSQL names the bad value
                raise CommandError(f"--maintenance-work-mem: {error}") from error
            self.build(cursor, options)

    def build(self, cursor, options: dict[str, Any]) -> None:
        cursor.execute(f"SELECT count(*) FROM {indexes.VECTOR_TABLE}")  # noqa: S608
        [rows] = cursor.fetchone()
        started = time.monotonic()
        lists = indexes.ensure_partition_index(min_rows=options["ivf_min_rows"])
        took = time.monotonic() - started
        if lists:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [indexes.GRAPH])
            [graph] = cursor.fetchone()
            self.stdout.write(
                f"{rows} profiles: IVF index in {indexes.IVF_PARTS} parts "
                f"({indexes.IVF_INDEX}_*), {lists} lists each, {indexes.ivf_probes(lists)} "
                f"read in each per search ({took:.1f} s)"
                + ("; the table's HNSW graph goes at the next run" if graph else "")
            )
        else:
            self.stdout.write(
                f"{rows} profiles: below {options['ivf_min_rows']}, the table's HNSW graph serves"
            )
        started = time.monotonic()
        created = indexes.ensure_country_indexes(min_rows=options["country_index_rows"])
        countries = sorted(indexes.indexed_countries(cursor, fresh=True))
        self.stdout.write(
            f"country HNSW indexes: {', '.join(countries) or 'none'}"
            f" (created now: {', '.join(created) or 'none'}; {time.monotonic() - started:.1f} s)"
        )
