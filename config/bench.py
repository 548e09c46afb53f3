"""What every `bench_*` command shares: a throwaway database and a report that can be saved.

Benchmarks load synthetic rows by the hundred thousand, so they never touch the live
database: `BenchmarkCommand.handle` creates a database beside it (the test-database
machinery, named `talentmatch_bench_<name>`), runs `benchmark()` there, drops it unless
`--keepdb`, and writes what `say()` printed to `--out`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection


class BenchmarkCommand(BaseCommand):
    database_suffix = "bench"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keepdb", action="store_true", help="keep the benchmark database")
        parser.add_argument("--out", help="also write the report to this file")

    def benchmark(self, options: dict[str, Any]) -> None:
        raise NotImplementedError  # each benchmark command defines its measurements

    def say(self, line: str) -> None:
        self.lines.append(line)
        self.stdout.write(line)

    def handle(self, *args: Any, **options: Any) -> None:
        self.lines: list[str] = []
        test_settings = settings.DATABASES["default"].setdefault("TEST", {})
        test_settings["NAME"] = f"talentmatch_bench_{self.database_suffix}"
        creation = connection.creation
        started = time.monotonic()
        old_name = creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        self.say(f"benchmark database ready in {time.monotonic() - started:.1f} s")
        try:
            self.benchmark(options)
        finally:
            if not options["keepdb"]:
                creation.destroy_test_db(old_name, verbosity=0)
        if options["out"]:
            Path(options["out"]).parent.mkdir(parents=True, exist_ok=True)
            Path(options["out"]).write_text("\n".join(self.lines) + "\n", encoding="utf-8")
