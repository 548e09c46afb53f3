"""Resume pipeline speed: per stage on one process, or end to end through real Celery workers.

    manage.py bench_parser DIR                    # extract, OCR, parse: docs/s, p50, p95
    manage.py bench_parser DIR --workers 2        # resumes/s through a real worker (2 processes)
    manage.py bench_parser DIR --workers 2 --broker filesystem   # the broker of `make run`

One process: every document of DIR (PDF, DOCX, images) is sniffed like an upload, its text
extracted by the configured extractor (stage "extract", or "OCR" when the document has no text
layer) and parsed by the configured parser (stage "parse"); text PDFs also get extract + parse
against the 60 ms p95 limit.

`--workers N`: a throwaway database (config/bench.py) and a Celery worker of N prefork
processes (config/testing.py, queues `ocr,parsing`, the tests' settings with the deployment's
persistent connections: resumes/tests/settings_bench_worker.py). After a warm-up round, the
documents are uploaded through `upload_resume` (one candidate each, so each parse updates a
profile) in one transaction: the clock runs from its commit, when the messages are published,
until every resume is parsed or failed (this process's upload rate is printed apart). The
load of a shared machine moves the wall clock, so the CPU the worker and its PostgreSQL
backends spent per resume is printed too, with the rate two free cores would give; the stage
breakdown (p50/p95) comes from the `resumes.pipeline` lines of the worker's log. Matching work
stays queued (not part of this pipeline). The default broker is a private `redis-server`, as
deployed; `--broker filesystem` (that of `make run`) polls once a second, which caps it.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from config.bench import (
    BenchmarkCommand,
    database_cpu,
    private_redis,
    process_tree_cpu,
    publishing_to,
)
from resumes.management.commands.evaluate_parsing import percentile

SUFFIXES = {".pdf", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
PARSE_P95_LIMIT_MS = 60.0
TARGET_RESUMES_PER_S = 20.0
CORES = 2  # the machine the target is set for
STAGE_ORDER = (
    "queue_wait_ms", "claim_ms", "read_ms", "extract_ms", "load_ms", "parse_ms", "save_ms",
    "enqueue_ms", "announce_ms", "total_ms", "cpu_ms", "queries",
)  # fmt: skip


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


class Command(BenchmarkCommand):
    help = "Benchmark extraction, OCR and parsing (one process) or the worker path (--workers)."
    database_suffix = "parser"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("dir", help="folder of resumes (e.g. ../shared/eval/parsing-dev)")
        parser.add_argument(
            "--workers", type=int, default=0, help="N >= 1: through a real worker of N processes"
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
            default="redis",
            help="with --workers: a private redis-server (default) or the filesystem broker",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["dir"])
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        if options["workers"] > 0:
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
        # As in a worker process (config/celery.py): what start-up loaded is frozen out of
        # the collector's generations before the first task.
        gc.collect()
        gc.freeze()
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
            # The test worker's settings with the deployment's persistent connections.
            env["DJANGO_SETTINGS_MODULE"] = "resumes.tests.settings_bench_worker"
            worker = start_worker(
                db_name=connection.settings_dict["NAME"],
                run_dir=run_dir,
                queues="ocr,parsing",
                concurrency=options["workers"],
                env=env,
            )
            stack.callback(worker.stop)
            stack.enter_context(override_settings(MEDIA_ROOT=str(run_dir / "media")))
            self.through_worker(docs, options, worker)
        self.say(f"worker log: {worker.log_path}")

    def through_worker(
        self, docs: list[tuple[str, bytes]], options: dict[str, Any], worker: Any
    ) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import transaction

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

        def wait_until_finished(deadline: float) -> None:
            while Resume.objects.exclude(status__in=final).exists():
                if time.monotonic() > deadline:
                    raise CommandError("Timed out waiting for the worker.")
                time.sleep(0.05)

        # A warm-up round (different bytes: a re-upload of the same bytes is no new work)
        # loads the libraries and the taxonomy in every worker process.
        for n, owner in enumerate(owners[:warm_up]):
            pdf = SimpleUploadedFile(f"warm-{n}.pdf", _warm_up_pdf(n))
            upload_resume(owner=owner, uploaded_by=owner, file=pdf)
        wait_until_finished(time.monotonic() + 120)
        Resume.objects.all().delete()

        # The batch is stored and its rows written in one transaction, so its messages are
        # published together when it commits: the clock measures the worker from that
        # moment, not the upload rate of this one process (reported apart).
        batch = [docs[n % len(docs)] for n in range(total)]
        clock: dict[str, float] = {}
        uploads_started = time.monotonic()
        with transaction.atomic():
            # Registered first, so it runs first after the commit, before the publishing.
            transaction.on_commit(
                lambda: clock.update(
                    start=time.monotonic(), cpu=process_tree_cpu(worker), db=database_cpu()
                )
            )
            for (name, data), owner in zip(batch, owners[warm_up:], strict=True):
                upload_resume(owner=owner, uploaded_by=owner, file=SimpleUploadedFile(name, data))
        uploads = clock["start"] - uploads_started
        wait_until_finished(clock["start"] + 120 + total * 2)
        elapsed = time.monotonic() - clock["start"]
        worker_cpu = process_tree_cpu(worker) - clock["cpu"]
        # The worker's backends (persistent connections); a backend that ended meanwhile is
        # not counted.
        db_cpu = sum(cpu - clock["db"].get(pid, 0.0) for pid, cpu in database_cpu().items())
        parsed = Resume.objects.filter(status=Resume.Status.PARSED).count()
        ids = {str(pk) for pk in Resume.objects.values_list("pk", flat=True)}
        rate = total / elapsed
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        self.say(
            f"{total} resumes ({len(docs)} files x {options['repeat']}) through a real worker "
            f"of {options['workers']} processes, {options['broker']} broker; load average {load}"
        )
        self.say(
            f"uploads (store + row, one process) before the clock: {uploads:.1f} s, "
            f"{total / uploads:.1f} uploads/s"
        )
        self.say(
            f"{parsed} parsed, {total - parsed} failed in {elapsed:.1f} s: {rate:.1f} resumes/s, "
            f"{rate / TARGET_RESUMES_PER_S:.2f} of the {TARGET_RESUMES_PER_S:.0f} resumes/s target"
        )
        # On a machine shared with other work the wall clock says little; CPU seconds per
        # resume say what the pipeline needs, and what 2 free cores would then deliver.
        capacity = CORES * total / (worker_cpu + db_cpu)
        self.say(
            f"CPU per resume: worker {worker_cpu / total * 1000:.1f} ms (all its processes), "
            f"its PostgreSQL backends {db_cpu / total * 1000:.1f} ms: {capacity:.1f} resumes/s "
            f"on {CORES} free cores ({capacity / TARGET_RESUMES_PER_S:.2f} of the target; "
            "the broker not counted)"
        )
        self.stage_report(worker.log(), ids)

    def stage_report(self, log: str, ids: set[str]) -> None:
        """p50/p95 of each pipeline step's stages, from the worker's `resumes.pipeline` lines."""
        values: dict[tuple[str, str], list[float]] = {}
        for line in log.splitlines():
            if '"resumes.pipeline"' not in line:
                continue
            entry = json.loads(line)
            if entry.get("resume_id") not in ids or entry.get("outcome") != "done":
                continue
            for key, value in entry.items():
                if key.endswith("_ms") or key == "queries":
                    values.setdefault((entry["step"], key), []).append(float(value))
        self.say(f"{'step':<9}{'stage':<16}{'n':>5}{'p50':>9}{'p95':>9}  (ms; queries: count)")
        for step in ("extract", "parse"):
            keys = [key for key in STAGE_ORDER if (step, key) in values]
            keys += sorted(k for s, k in values if s == step and k not in STAGE_ORDER)
            for key in keys:
                numbers = values[(step, key)]
                self.say(
                    f"{step:<9}{key.removesuffix('_ms'):<16}{len(numbers):>5}"
                    f"{statistics.median(numbers):>9.1f}{percentile(numbers, 0.95):>9.1f}"
                )


def _warm_up_pdf(n: int) -> bytes:
    from resumes.tests import documents

    return documents.one_column_pdf(
        [f"Warm Up {n}", f"warm{n}@example.test", *documents.SAMPLE_LINES]
    )
