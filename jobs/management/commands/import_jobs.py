"""Import job postings written in the JSON Resume job schema as jobs of one company.

Every file is read and parsed before anything is imported, so a typo in the last file costs
nothing. Each file is then imported in its own transaction: a posting that fails validation
keeps none of its file's jobs (files before it stay imported).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import Company, Membership, User
from jobs.jobschema import import_jobschema
from jobs.models import Job


def _read(path: str) -> list[Any]:
    """The postings a file holds: one posting object or a list of them."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CommandError(f"{path}: cannot read the file ({reason}).") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})."
        ) from exc
    if isinstance(document, dict):
        return [document]
    if isinstance(document, list):
        return document
    raise CommandError(f"{path}: expected a posting object or a list of postings.")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _reason(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Create jobs for a company from JSON files of job-schema postings "
        "(https://jsonresume.org/job-description-schema), published unless --draft."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="One posting or a list.")
        parser.add_argument("--company", required=True, metavar="SLUG")
        parser.add_argument(
            "--user", required=True, metavar="EMAIL", help="A member of the company: the creator."
        )
        parser.add_argument("--draft", action="store_true", help="Keep the jobs as drafts.")

    def handle(self, *args: Any, files: list[str], company: str, user: str, draft: bool,
               **options: Any) -> None:  # fmt: skip
        owner = Company.objects.filter(slug=company).first()
        if owner is None:
            raise CommandError(f"No company with slug {company!r}.")
        creator = User.objects.filter(email=user.strip().lower()).first()
        if creator is None:
            raise CommandError(f"No user with email {user!r}.")
        if not Membership.objects.filter(user=creator, company=owner).exists():
            raise CommandError(f"{creator.email} is not a member of {owner.name}.")
        postings = [(path, _read(path)) for path in files]
        created = 0
        for path, items in postings:
            jobs = self.import_file(path, items, company=owner, user=creator, draft=draft)
            for job in jobs:
                self.stdout.write(f"job {job.pk}: {job.title} ({job.status})")
            created += len(jobs)
        summary = f"Imported {_count(created, 'job')} from {_count(len(files), 'file')}"
        self.stdout.write(self.style.SUCCESS(f"{summary} into {owner.name}."))

    @transaction.atomic
    def import_file(self, path: str, items: list[Any], *, company: Company, user: User,
                    draft: bool) -> list[Job]:  # fmt: skip
        jobs = []
        for index, posting in enumerate(items):
            try:
                job = import_jobschema(
                    company=company, created_by=user, posting=posting, publish=not draft
                )
            except ValidationError as exc:
                raise CommandError(
                    f"{path}: posting at index {index}: {_reason(exc)} "
                    "Nothing from this file was imported."
                ) from exc
            jobs.append(job)
        return jobs
