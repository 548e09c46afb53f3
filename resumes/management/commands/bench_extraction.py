"""Text extraction speed per format: docs/s, p50 and p95 latency on one process.

manage.py bench_extraction                     # generated documents
manage.py bench_extraction --dir ../shared/eval/parsing-dev --repeat 3
manage.py bench_extraction --dir ../shared/eval/parsing-dev-photos --limit 4

CPU time counts this process and any child process, per document (p50, p95) and per page; formats
that need OCR are compared with the OCR budget (`--ocr-limit`, 2 CPU-s per page), text PDFs with
the extract + parse budget (`--text-limit`, 60 ms at p95: extraction alone must leave room for
the parser). On a machine shared with other work the CPU figures are the stable ones.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from resumes.extraction import get_text_extractor
from resumes.uploads import UploadRejected, inspect_upload

SUFFIXES = {".pdf", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".heic"}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (Tesseract runs as a child)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def format_of(info: Any) -> str:
    if info.kind == "pdf":
        return "scan_pdf" if info.needs_ocr else "pdf"
    return "docx" if info.kind == "docx" else "image"


def generated_documents() -> list[tuple[str, bytes]]:
    from resumes.tests import documents

    lines = documents.SAMPLE_LINES
    return [
        ("one-column.pdf", documents.sample_pdf()),
        ("two-column.pdf", documents.two_column_pdf()),
        ("three-pages.pdf", documents.one_column_pdf(lines, pages=3)),
        ("table.docx", documents.make_docx()),
        ("photo.png", documents.text_image(lines)),
        ("sideways.jpg", documents.text_image(lines, rotate=90, fmt="JPEG")),
        ("scan.pdf", documents.scanned_pdf(lines, rotate=2)),
    ]


class Command(BaseCommand):
    help = "Benchmark the configured text extractor per format (docs/s, p50, p95)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", help="benchmark these files instead of generated ones")
        parser.add_argument("--repeat", type=int, default=1, help="runs per document")
        parser.add_argument("--limit", type=int, default=0, help="at most N files per format")
        parser.add_argument(
            "--ocr-limit",
            type=float,
            default=2.0,
            help="CPU seconds per page allowed for OCR (the ratio column compares with it)",
        )
        parser.add_argument(
            "--text-limit",
            type=float,
            default=60.0,
            help="CPU ms at p95 allowed for a text PDF's extraction and parsing together",
        )
        parser.add_argument(
            "--format",
            action="append",
            choices=["pdf", "scan_pdf", "docx", "image"],
            help="only these formats (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dir"]:
            paths = sorted(
                p for p in Path(options["dir"]).iterdir() if p.suffix.lower() in SUFFIXES
            )
            documents = [(p.name, p.read_bytes()) for p in paths]
        else:
            documents = generated_documents()
        extractor = get_text_extractor()
        timings: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}
        pages: dict[str, int] = {}
        confidences: dict[str, list[float]] = {}
        counts: dict[str, int] = {}
        for name, data in documents:
            try:
                info = inspect_upload(data)
            except UploadRejected as rejection:
                self.stderr.write(f"skip {name}: {rejection.message}")
                continue
            fmt = format_of(info)
            if options["format"] and fmt not in options["format"]:
                continue
            if options["limit"] and counts.get(fmt, 0) >= options["limit"]:
                continue
            counts[fmt] = counts.get(fmt, 0) + 1
            for _ in range(options["repeat"]):
                start, start_cpu = time.perf_counter(), cpu_seconds()
                result = extractor.extract(data=data, kind=info.kind)
                timings.setdefault(fmt, []).append(time.perf_counter() - start)
                cpu.setdefault(fmt, []).append(cpu_seconds() - start_cpu)
            pages[fmt] = pages.get(fmt, 0) + result.pages
            if result.ocr_confidence is not None:
                confidences.setdefault(fmt, []).append(result.ocr_confidence)
            self.stdout.write(
                f"  {fmt:<9} {name[:60]:<60} {timings[fmt][-1] * 1000:8.1f} ms  "
                f"{result.pages} p  {len(result.text):6d} chars"
            )
        # CPU per document first (the per-format table below keeps its columns for scripts).
        self.stdout.write("\nCPU per document, ms (this process and its children)")
        self.stdout.write(f"{'format':<9}{'docs':>6}{'CPU p50':>9}{'CPU p95':>9}  against")
        ocr_limit, text_limit = options["ocr_limit"], options["text_limit"]
        for fmt, values in sorted(cpu.items()):
            cpu_ms = [c * 1000 for c in values]
            p95 = percentile(cpu_ms, 0.95)
            if fmt in confidences:
                page = sum(cpu_ms) / options["repeat"] / max(pages[fmt], 1) / 1000
                against = (
                    f"{page:.2f} CPU-s/page = {page / ocr_limit:.2f}x the {ocr_limit:g} s OCR limit"
                )
            elif fmt == "pdf":
                against = f"p95 = {p95 / text_limit:.2f}x the {text_limit:g} ms extract+parse limit"
            else:
                against = "-"
            self.stdout.write(
                f"{fmt:<9}{counts[fmt]:>6}{statistics.median(cpu_ms):>9.1f}{p95:>9.1f}  {against}"
            )
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        self.stdout.write(f"\nextractor: {type(extractor).__name__}; load average {load}")
        header = f"{'format':<9}{'docs':>6}{'pages':>7}{'docs/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        self.stdout.write(
            f"{header}{'ms/page':>9}{'CPU ms/p':>10}{'OCR conf':>10}{f'CPU/{ocr_limit:g}s':>10}"
        )
        for fmt, values in sorted(timings.items()):
            total = sum(values)
            per_page = total / options["repeat"] / max(pages[fmt], 1) * 1000
            cpu_page = sum(cpu[fmt]) / options["repeat"] / max(pages[fmt], 1) * 1000
            conf = confidences.get(fmt)
            mean_conf = sum(conf) / len(conf) if conf else float("nan")
            # Only OCR has a per-page budget; text layers and DOCX are measured in ms.
            ratio = f"{cpu_page / 1000 / ocr_limit:.2f}" if conf else "-"
            self.stdout.write(
                f"{fmt:<9}{counts[fmt]:>6}{pages[fmt]:>7}{len(values) / total:>9.1f}"
                f"{statistics.median(values) * 1000:>9.1f}{percentile(values, 0.95) * 1000:>9.1f}"
                f"{per_page:>9.1f}{cpu_page:>10.1f}{mean_conf:>10.1f}{ratio:>10}"
            )
