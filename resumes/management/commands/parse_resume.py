"""`manage.py parse_resume FILE [FILE ...] [--format json|eval] [--out DIR]`

Parse local files with the configured extractor and parser, without touching the database: the
same checks as an upload, then extraction (OCR where needed) and parsing. `--format eval` writes
the truth schema of the evaluation sets, so any scorer can compare; `--out DIR` writes
`DIR/<file stem>.pred.json` instead of printing. Exit code 1 when a file could not be parsed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from resumes.extraction import get_text_extractor
from resumes.extraction.base import ExtractionError
from resumes.parsing import get_resume_parser
from resumes.parsing.base import ResumeParseError
from resumes.uploads import UploadRejected, inspect_upload


class Command(BaseCommand):
    help = "Parse resume files (PDF, DOCX, images) and print or write the result as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--format", choices=["json", "eval"], default="json")
        parser.add_argument("--out", type=Path, help="write DIR/<file stem>.pred.json")

    def handle(self, *args: Any, files: list[Path], format: str, out: Path | None, **options: Any):
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
        failures = 0
        for path in files:
            try:
                result = self.parse(path, format)
            except (OSError, UploadRejected, ExtractionError, ResumeParseError) as exc:
                failures += 1
                reason = getattr(exc, "message", None) or str(exc)
                self.stderr.write(f"{path}: {reason}")
                continue
            text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
            if out is None:
                self.stdout.write(text)
            else:
                target = out / f"{path.stem}.pred.json"
                target.write_text(text + "\n", encoding="utf-8")
                self.stdout.write(f"{path} -> {target}")
        if failures:
            raise CommandError(f"{failures} of {len(files)} files could not be parsed.")

    def parse(self, path: Path, format: str) -> dict[str, Any]:
        data = path.read_bytes()
        info = inspect_upload(data)
        extracted = get_text_extractor().extract(data=data, kind=info.kind)
        parsed = get_resume_parser().parse(extracted.text)
        if format == "eval":
            return parsed.to_eval_dict()
        return {
            "file": str(path),
            "extraction": {
                "engine": extracted.engine,
                "pages": extracted.pages,
                "ocr_used": extracted.ocr_used,
                "ocr_confidence": extracted.ocr_confidence,
            },
            "parsed": parsed.to_dict(),
        }
