"""Export one company's applications, stage history and funnel as CSV or Parquet files.

    manage.py export_analytics --company 3 --format parquet --out exports/ [--start --end --job]

Without dates, everything from 2000-01-01 to today. A progress bar per file goes to stderr.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from accounts.models import Company
from analytics import exports
from analytics.dashboards.queries import Filters
from jobs.models import Job


class Command(BaseCommand):
    help = "Export a company's applications, stage history and funnel (CSV or Parquet)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", type=int, required=True, help="company id")
        parser.add_argument("--format", choices=exports.FORMATS, default="parquet")
        parser.add_argument("--out", default=".", help="directory for the files")
        parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2000, 1, 1))
        parser.add_argument("--end", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--job", type=int, default=None, help="one job of the company")
        parser.add_argument(
            "--datasets", nargs="*", choices=list(exports.DATASETS), default=list(exports.DATASETS)
        )

    def handle(self, *args: Any, **options: Any) -> None:
        company = Company.objects.filter(pk=options["company"]).first()
        if company is None:
            raise CommandError(f"No company with id {options['company']}.")
        job_id = options["job"]
        if job_id and not Job.objects.filter(pk=job_id, company=company).exists():
            raise CommandError(f"Job {job_id} is not one of {company}'s.")
        filters = Filters(
            company_id=company.pk,
            start=options["start"],
            end=options["end"] or timezone.localdate(),
            job_id=job_id,
        )
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        fmt = options["format"]
        for name in options["datasets"]:
            dataset = exports.DATASETS[name]
            path = out / exports.filename(name, fmt, filters)
            with (
                tqdm(total=dataset.count(filters), unit="rows", desc=name, file=self.stderr) as bar,
                path.open("wb") as file,
            ):
                for chunk in exports.export_stream(name, fmt, filters, on_rows=bar.update):
                    file.write(chunk)
            self.stdout.write(f"{path} ({path.stat().st_size:,} bytes)")
