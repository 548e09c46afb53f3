"""Score the resume parser on an evaluation set with ground truth (`shared/eval/parsing-dev`).

    manage.py evaluate_parser ../shared/eval/parsing-dev [--format pdf] [--pred-dir DIR]
        [--text-cache DIR] [--json OUT.json] [--ratchet RECORDED.json]

`evaluate_parser` (the issue's name) and `evaluate_parsing` are the same command; the set is
given as the positional DIR or as `--set DIR` (the Makefile's form).

For every document of the set: extract its text (the configured text extractor), parse it with
the local parser and with a regex-only baseline, write `<id>.pred.json` in the truth schema, then
score both with the set's `score.py` and print per-field P/R/F1, micro-F1, the ratio ours /
baseline, and parse time per document. Extracted text can be cached (`--text-cache DIR`) because
OCR of the scans takes minutes.
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import json
import statistics
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from resumes.parsing.base import ResumeParser
from resumes.parsing.baseline import RegexBaselineParser
from resumes.parsing.local import LocalResumeParser

# The formats of ../shared/eval/parsing-dev and of its phone photos (parsing-dev-photos).
FORMATS = ("pdf", "docx", "scan_pdf", "photo", "photo_pdf")
TEXT_FORMATS = ("pdf", "docx", "scan_pdf")  # the ones score.py's --format filters on
KIND_BY_SUFFIX = {".docx": "docx", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png"}


def extract_text(path: Path) -> str:
    """Text of one document through the project's text extractor."""
    from resumes.extraction import get_text_extractor

    kind = KIND_BY_SUFFIX.get(path.suffix.lower(), "pdf")
    return get_text_extractor().extract(data=path.read_bytes(), kind=kind).text


def load_scorer(set_dir: Path) -> ModuleType:
    for candidate in (set_dir / "score.py", set_dir.parent / "score.py"):
        if candidate.exists():
            spec = importlib.util.spec_from_file_location("parsing_score", candidate)
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise CommandError(f"No score.py next to {set_dir}.")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Score the resume parser (and a regex baseline) on a parsing evaluation set."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "dir", nargs="?", help="folder with documents, *.truth.json, manifest.tsv"
        )
        parser.add_argument("--set", help="the same folder (older spelling)")
        parser.add_argument(
            "--pred-dir", help="where to write <id>.pred.json (default: a temp dir)"
        )
        parser.add_argument(
            "--format", choices=FORMATS, action="append", help="only these formats (repeatable)"
        )
        parser.add_argument("--text-cache", help="read/write extracted text here as <id>.txt")
        parser.add_argument("--limit", type=int, default=0, help="at most N documents per format")
        parser.add_argument("--json", help="write micro-F1 per format (ours, baseline) here")
        parser.add_argument(
            "--ratchet",
            help="JSON of recorded micro-F1 per format; fail when one falls more than 0.01 below",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (options["dir"] or options["set"]):
            raise CommandError("Give the evaluation set's folder: evaluate_parser DIR.")
        set_dir = Path(options["dir"] or options["set"]).resolve()
        manifest = set_dir / "manifest.tsv"
        if not manifest.exists():
            raise CommandError(f"{manifest} not found.")
        with manifest.open(encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f, delimiter="\t")]
        present = {r["format"] for r in rows}
        formats = options["format"] or [fmt for fmt in FORMATS if fmt in present]
        if not formats:
            raise CommandError(f"No documents of the formats {', '.join(FORMATS)} in {manifest}.")
        limit = options["limit"]
        chosen: list[dict[str, str]] = []
        for fmt in formats:
            of_format = [r for r in rows if r["format"] == fmt]
            chosen += of_format[:limit] if limit else of_format
        pred_root = Path(options["pred_dir"] or tempfile.mkdtemp(prefix="evaluate_parsing-"))
        cache = Path(options["text_cache"]) if options["text_cache"] else None
        if cache:
            cache.mkdir(parents=True, exist_ok=True)

        parsers: dict[str, ResumeParser] = {
            "ours": LocalResumeParser(),
            "baseline": RegexBaselineParser(),
        }
        timings: dict[str, dict[str, list[float]]] = {name: {} for name in parsers}
        for name in parsers:
            (pred_root / name).mkdir(parents=True, exist_ok=True)
        for n, row in enumerate(chosen, 1):
            text = self._text(set_dir / row["file"], row["id"], cache)
            self.stderr.write(f"[{n}/{len(chosen)}] {row['id']}")
            for name, parser in parsers.items():
                started = time.perf_counter()
                parsed = parser.parse(text) if text.strip() else None
                timings[name].setdefault(row["format"], []).append(time.perf_counter() - started)
                out = parsed.to_eval_dict() if parsed else {}
                path = pred_root / name / f"{row['id']}.pred.json"
                path.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")

        scorer = load_scorer(set_dir)
        groups = (
            [("all", formats)] + [(fmt, [fmt]) for fmt in formats]
            if len(formats) > 1
            else [(formats[0], formats)]
        )
        figures: dict[str, dict[str, float]] = {}
        for label, group in groups:
            ours = self._score(scorer, set_dir, pred_root / "ours", group)
            base = self._score(scorer, set_dir, pred_root / "baseline", group)
            self._report(label, ours, base)
            figures[label] = {"micro_f1": ours["micro"][2], "baseline_micro_f1": base["micro"][2]}
        self.stdout.write("\nparse time per document (text already extracted), ms")
        for fmt in formats:
            for name in parsers:
                values = [t * 1000 for t in timings[name].get(fmt, [])]
                if values:
                    p50, p95 = statistics.median(values), percentile(values, 0.95)
                    self.stdout.write(
                        f"  {fmt:<9}{name:<10} n={len(values):<4} p50={p50:7.2f}  p95={p95:7.2f}"
                    )
        self.stdout.write(f"\npredictions: {pred_root}/ours and {pred_root}/baseline")
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(figures, indent=2), encoding="utf-8")
        if options["ratchet"]:
            self._check_ratchet(Path(options["ratchet"]), figures)

    def _check_ratchet(self, path: Path, figures: dict[str, dict[str, float]]) -> None:
        recorded = json.loads(path.read_text(encoding="utf-8"))
        fallen = [
            f"{fmt}: {figures[fmt]['micro_f1']:.4f} < {floor['micro_f1']:.4f} - 0.01"
            for fmt, floor in recorded.items()
            if fmt in figures and figures[fmt]["micro_f1"] < floor["micro_f1"] - 0.01
        ]
        if fallen:
            raise CommandError("Parsing accuracy fell: " + "; ".join(fallen))
        self.stdout.write(f"ratchet {path}: no format fell more than 0.01")

    def _text(self, path: Path, doc_id: str, cache: Path | None) -> str:
        cached = cache / f"{doc_id}.txt" if cache else None
        if cached and cached.exists():
            return cached.read_text(encoding="utf-8")
        try:
            text = extract_text(path)
        except Exception as exc:  # one unreadable document must not stop the evaluation
            self.stderr.write(f"  extraction failed for {doc_id}: {exc}")
            return ""
        if cached:
            cached.write_text(text, encoding="utf-8")
        return text

    def _score(
        self, scorer: ModuleType, set_dir: Path, pred: Path, formats: list[str]
    ) -> dict[str, Any]:
        """Run score.py once per format and add the counts up (it filters one format at a time)."""
        totals: dict[str, list[int]] = {}
        for fmt in formats:
            with (
                tempfile.NamedTemporaryFile(suffix=".json") as out,
                tempfile.TemporaryDirectory() as subset,
                contextlib.redirect_stdout(io.StringIO()),
            ):
                # score.py filters on the text formats only; the photo formats are scored as
                # "all" of a truth folder holding just that format's documents.
                truth, fmt_arg = (set_dir, fmt) if fmt in TEXT_FORMATS else (Path(subset), "all")
                if fmt_arg == "all":
                    self._truth_subset(set_dir, fmt, truth)
                scorer.main(
                    [
                        "--pred",
                        str(pred),
                        "--truth",
                        str(truth),
                        "--format",
                        fmt_arg,
                        "--json",
                        out.name,
                    ]
                )
                table = json.loads(Path(out.name).read_text())
            for row in table["fields"]:
                counts = totals.setdefault(row["field"], [0, 0, 0])
                counts[0] += row["tp"]
                counts[1] += row["fp"]
                counts[2] += row["fn"]
        fields = {f: scorer.prf(*c) for f, c in totals.items()}
        micro = scorer.prf(*(sum(c[k] for c in totals.values()) for k in range(3)))
        return {"fields": fields, "counts": totals, "micro": micro}

    @staticmethod
    def _truth_subset(set_dir: Path, fmt: str, into: Path) -> None:
        """`into` gets the manifest rows and truth files of `set_dir`'s documents of `fmt`."""
        with (set_dir / "manifest.tsv").open(encoding="utf-8") as f:
            reader = csv.DictReader(f, delimiter="\t")
            rows = [r for r in reader if r["format"] == fmt]
            header = reader.fieldnames or []
        with (into / "manifest.tsv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header, delimiter="\t")
            writer.writeheader()
            writer.writerows(rows)
        for row in rows:
            name = f"{row['id']}.truth.json"
            (into / name).symlink_to(set_dir / name)

    def _report(self, label: str, ours: dict[str, Any], base: dict[str, Any]) -> None:
        self.stdout.write(f"\n=== format: {label}")
        self.stdout.write(
            f"{'field':<22}{'support':>8}{'P':>7}{'R':>7}{'F1':>7}   {'baseline F1':>11}"
        )
        for field, (p, r, f1) in ours["fields"].items():
            tp, _fp, fn = ours["counts"][field]
            base_f1 = base["fields"][field][2]
            self.stdout.write(
                f"{field:<22}{tp + fn:>8}{p:>7.3f}{r:>7.3f}{f1:>7.3f}   {base_f1:>11.3f}"
            )
        p, r, f1 = ours["micro"]
        bf1 = base["micro"][2]
        ratio = f"{f1 / bf1:.2f}x" if bf1 else "n/a"
        self.stdout.write(
            f"micro  P={p:.4f} R={r:.4f} F1={f1:.4f}   baseline F1={bf1:.4f}"
            f"   ours/baseline={ratio}"
        )
