"""Resume pipeline speed: per stage on one process, or end to end through real Celery workers.

    manage.py bench_parser DIR                    # extract, OCR, parse: docs/s, p50, p95
    manage.py bench_parser DIR --workers 2        # resumes/s through a real worker (2 processes)
    manage.py bench_parser DIR --workers 2 --broker redis   # the same on a private redis-server

One process: every document of DIR (PDF, DOCX, images) is sniffed like an upload, its text
extracted by the configured extractor (stage "extract", or "OCR" when the document has no text
layer) and parsed by the configured parser (stage "parse"); text PDFs also get extract + parse
against the 60 ms p95 limit.

`--workers N`: a throwaway database (config/bench.py), a Celery worker started like the test
suite's (config/testing.py, prefork with N processes, queues `ocr,parsing`) on a broker and
media folder of its own, and the documents uploaded through `upload_resume` (one candidate each,
so each parse also updates a profile). A warm-up round (one resume per worker process) loads
the libraries and the taxonomy first; then the clock runs from the first upload until every
resume is parsed or failed, and resumes/s is printed against the 20 resumes/s target. Matching
work the profiles announce stays queued: it is not part of the resume pipeline. The default
broker is the filesystem one of `make run` (it polls its folder once a second, which caps it);
`--broker redis` starts a private `redis-server`, the broker of a deployment.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from config.bench import BenchmarkCommand
from resumes.management.commands.evaluate_parsing import percentile

SUFFIXES = {".pdf", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
PARSE_P95_LIMIT_MS = 60.0
TARGET_RESUMES_PER_S = 20.0


def documents_of(directory: Path, formats: list[str] | None, limit: int) -> list[tuple[str, bytes]]:
    from resumes.management.commands.bench_extraction import format_of
    from resumes.uploads import UploadRejected, inspect_upload

    chosen: list[tuple[str, bytes]] = []
    counts: dict[str, int] = {}
    for path in sorted(p for p in directory.iterdir() if p.suffix.lower() in SUFFIXES):
        data = path.read_bytes()
        try:
            fmt = format_of(inspect_upload(data))
        except UploadRejected:
            continue
        if (formats and fmt not in formats) or (limit and counts.get(fmt, 0) >= limit):
            continue
        counts[fmt] = counts.get(fmt, 0) + 1
        chosen.append((path.name, data))
    return chosen


@contextlib.contextmanager
def publishing_to(app: Any, url: str, transport_options: dict[str, Any]) -> Iterator[None]:
    """Tasks enqueued in this block go to `url`; the app's broker is restored after it.

    Celery caches its connection and producer pools: a process that has already published
    (a test session, a shell) would keep sending to the old broker, so the app's references
    are dropped on the way in and on the way out. The pools themselves stay open in kombu's
    registry, keyed by broker, for the next user of the same broker.
    """

    def drop_pools() -> None:
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    previous = (app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.broker_url, app.conf.broker_transport_options = url, transport_options
    drop_pools()
    try:
        yield
    finally:
        drop_pools()
        app.conf.broker_url, app.conf.broker_transport_options = previous


@contextlib.contextmanager
def private_redis(workdir: Path) -> Iterator[str]:
    """A throwaway redis-server on a free local port (Debian's package); yields its URL."""
    from config.testing import free_port

    binary = shutil.which("redis-server")
    if binary is None:
        raise CommandError("redis-server is not installed (scripts/install-system-deps.sh).")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise CommandError("redis-server did not start.") from None
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


class Command(BenchmarkCommand):
    help = "Benchmark extraction, OCR and parsing (one process) or the worker path (--workers)."
    database_suffix = "parser"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("dir", help="folder of resumes (e.g. ../shared/eval/parsing-dev)")
        parser.add_argument(
            "--workers", type=int, default=1, help="N > 1: through a real worker of N processes"
        )
        parser.add_argument(
            "--format",
            action="append",
            choices=["pdf", "scan_pdf", "docx", "image"],
            help="only these formats (repeatable; --workers defaults to pdf)",
        )
        parser.add_argument("--limit", type=int, default=0, help="at most N files per format")
        parser.add_argument("--repeat", type=int, default=1, help="passes over the documents")
        parser.add_argument(
            "--broker",
            choices=["filesystem", "redis"],
            default="filesystem",
            help="with --workers: the filesystem broker or a private redis-server",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["dir"])
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        if options["workers"] > 1:
            options["format"] = options["format"] or ["pdf"]
            super().handle(*args, **options)  # a throwaway database, then benchmark()
            return
        self.lines = []
        self.one_process(options)
        if options["out"]:
            Path(options["out"]).write_text("\n".join(self.lines) + "\n", encoding="utf-8")

    # --- one process --------------------------------------------------------------------
    def one_process(self, options: dict[str, Any]) -> None:
        from resumes.extraction import get_text_extractor
        from resumes.management.commands.bench_extraction import cpu_seconds
        from resumes.parsing import get_resume_parser
        from resumes.uploads import inspect_upload

        docs = documents_of(Path(options["dir"]), options["format"], options["limit"])
        if not docs:
            raise CommandError("No documents to benchmark.")
        extractor, parser = get_text_extractor(), get_resume_parser()
        parser.parse("Warm Up\nwarm@example.com\nSkills\nPython")  # loads the taxonomy once
        # Wall-clock and CPU seconds (this process and Tesseract, its child) per stage: on a
        # shared machine the CPU figures are the stable ones.
        stages: dict[str, list[tuple[float, float]]] = {}
        for _ in range(options["repeat"]):
            for _name, data in docs:
                info = inspect_upload(data)
                started, cpu_started = time.perf_counter(), cpu_seconds()
                text = extractor.extract(data=data, kind=info.kind).text
                extracted, cpu_extracted = time.perf_counter(), cpu_seconds()
                if text.strip():
                    parser.parse(text)
                parsed, cpu_parsed = time.perf_counter(), cpu_seconds()
                stages.setdefault("OCR" if info.needs_ocr else "extract", []).append(
                    (extracted - started, cpu_extracted - cpu_started)
                )
                stages.setdefault("parse", []).append(
                    (parsed - extracted, cpu_parsed - cpu_extracted)
                )
                if info.kind == "pdf" and not info.needs_ocr:
                    stages.setdefault("text PDF extr+parse", []).append(
                        (parsed - started, cpu_parsed - cpu_started)
                    )
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        self.say(
            f"{len(docs)} documents x {options['repeat']}; extractor "
            f"{type(extractor).__name__}, parser {type(parser).__name__}; load average {load}"
        )
        self.say(
            f"{'stage':<20}{'n':>5}{'docs/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
            f"{'CPU p50':>9}{'CPU p95':>9}"
        )
        order = ("extract", "OCR", "parse", "text PDF extr+parse")
        for name in (n for n in order if n in stages):
            wall = [w * 1000 for w, _ in stages[name]]
            cpu = [c * 1000 for _, c in stages[name]]
            self.say(
                f"{name:<20}{len(wall):>5}{len(wall) / sum(wall) * 1000:>9.1f}"
                f"{statistics.median(wall):>9.1f}{percentile(wall, 0.95):>9.1f}"
                f"{statistics.median(cpu):>9.1f}{percentile(cpu, 0.95):>9.1f}"
            )
        if "text PDF extr+parse" in stages:
            wall_p95 = percentile([w * 1000 for w, _ in stages["text PDF extr+parse"]], 0.95)
            cpu_p95 = percentile([c * 1000 for _, c in stages["text PDF extr+parse"]], 0.95)
            self.say(
                f"text PDF extract+parse p95 against the {PARSE_P95_LIMIT_MS:.0f} ms limit: "
                f"wall {wall_p95:.1f} ms ({wall_p95 / PARSE_P95_LIMIT_MS:.2f}x), "
                f"CPU {cpu_p95:.1f} ms ({cpu_p95 / PARSE_P95_LIMIT_MS:.2f}x)"
            )

    # --- through the worker -------------------------------------------------------------
    def benchmark(self, options: dict[str, Any]) -> None:
        from django.db import connection
        from django.test import override_settings

        from config.celery import app
        from config.testing import start_worker

        docs = documents_of(Path(options["dir"]), options["format"], options["limit"])
        if not docs:
            raise CommandError("No documents to benchmark.")
        run_dir = Path(tempfile.mkdtemp(prefix="bench-parser-"))
        with contextlib.ExitStack() as stack:
            if options["broker"] == "redis":
                url = stack.enter_context(private_redis(run_dir))
                stack.enter_context(publishing_to(app, url, {}))
                env = {"CELERY_BROKER_URL": url}
            else:
                # The filesystem broker in a folder of this run, never the live one (the
                # worker's test settings derive it, and the media folder, from the run folder).
                broker = run_dir / "broker"
                for folder in ("queue", "control"):
                    (broker / folder).mkdir(parents=True)
                folders = {
                    "data_folder_in": str(broker / "queue"),
                    "data_folder_out": str(broker / "queue"),
                    "control_folder": str(broker / "control"),
                    "store_processed": False,
                }
                stack.enter_context(publishing_to(app, "filesystem://", folders))
                env = {}
            worker = start_worker(
                db_name=connection.settings_dict["NAME"],
                run_dir=run_dir,
                queues="ocr,parsing",
                concurrency=options["workers"],
                env=env,
            )
            stack.callback(worker.stop)
            stack.enter_context(override_settings(MEDIA_ROOT=str(run_dir / "media")))
            self.through_worker(docs, options)
        self.say(f"worker log: {worker.log_path}")

    def through_worker(self, docs: list[tuple[str, bytes]], options: dict[str, Any]) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from accounts.models import User
        from resumes.models import Resume
        from resumes.services import upload_resume

        warm_up = options["workers"]
        total = len(docs) * options["repeat"]
        owners = [
            User.objects.create_user(email=f"bench-{n}@example.test", password=None)
            for n in range(warm_up + total)
        ]
        final = (Resume.Status.PARSED, Resume.Status.FAILED)

        def run(batch: list[tuple[str, bytes]], people: list[User]) -> tuple[float, float]:
            started = time.monotonic()
            for (name, data), owner in zip(batch, people, strict=True):
                upload_resume(owner=owner, uploaded_by=owner, file=SimpleUploadedFile(name, data))
            uploaded = time.monotonic() - started
            deadline = started + 120 + len(batch) * 2
            while Resume.objects.exclude(status__in=final).exists():
                if time.monotonic() > deadline:
                    raise CommandError("Timed out waiting for the worker.")
                time.sleep(0.02)
            return uploaded, time.monotonic() - started

        # Different bytes from the measured run (a re-upload of the same bytes is no new work).
        warm_docs = [(f"warm-{n}.pdf", _warm_up_pdf(n)) for n in range(warm_up)]
        run(warm_docs, owners[:warm_up])
        Resume.objects.all().delete()
        batch = [docs[n % len(docs)] for n in range(total)]
        uploaded, elapsed = run(batch, owners[warm_up:])
        parsed = Resume.objects.filter(status=Resume.Status.PARSED).count()
        rate = total / elapsed
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        self.say(
            f"{total} resumes ({len(docs)} files x {options['repeat']}) through a real worker "
            f"of {options['workers']} processes, {options['broker']} broker; load average {load}"
        )
        self.say(f"uploads (store + row + enqueue) took {uploaded:.1f} s of the run")
        self.say(
            f"{parsed} parsed, {total - parsed} failed in {elapsed:.1f} s: {rate:.1f} resumes/s, "
            f"{rate / TARGET_RESUMES_PER_S:.2f} of the {TARGET_RESUMES_PER_S:.0f} resumes/s target"
        )


def _warm_up_pdf(n: int) -> bytes:
    from resumes.tests import documents

    return documents.one_column_pdf(
        [f"Warm Up {n}", f"warm{n}@example.test", *documents.SAMPLE_LINES]
    )
