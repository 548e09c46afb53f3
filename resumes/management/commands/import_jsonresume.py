"""Import JSON Resume documents as candidate profiles: one file, or every *.json in a folder.

The candidate is the account with the document's `basics.email` (created when missing).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from resumes.jsonresume import import_jsonresume
from resumes.services import source_candidate


class Command(BaseCommand):
    help = "Import JSON Resume documents (FILE or DIR) as candidate profiles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a resume.json file or a folder of them")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        imported = failed = 0
        for number, file in enumerate(files, start=1):
            try:
                document = json.loads(file.read_text(encoding="utf-8"))
                email = (document.get("basics") or {}).get("email") or ""
                if not email:
                    raise ValidationError("basics.email is missing")
                user = source_candidate(
                    email=email, first_name=str(document["basics"].get("name", ""))[:150]
                )
                import_jsonresume(user=user, document=document)
            except (ValueError, ValidationError, AttributeError) as exc:
                failed += 1
                message = "; ".join(getattr(exc, "messages", [str(exc)]))
                self.stderr.write(f"[{number}/{len(files)}] {file.name}: {message}")
                continue
            imported += 1
            self.stdout.write(f"[{number}/{len(files)}] {file.name} → {user.email}")
        self.stdout.write(self.style.SUCCESS(f"Imported {imported}, failed {failed}."))
