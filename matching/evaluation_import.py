"""The evaluation set loaded the way users' data is: through the import code, into a database.

`load_through_import(folder)` imports each candidate's JSON Resume into a profile
(`resumes.jsonresume.import_jsonresume`, a user each) and each posting into an open job
(`jobs.jobschema.import_jobschema`, one company), in the current database: `evaluate_matching`
runs it in a throwaway one, never the live data. Celery's tasks run in this
process meanwhile (`task_always_eager`), so the jobs are analysed as users' jobs are and nothing
reaches the broker. A recruiter confirming the analysis is modelled by accepting every skill it
suggests through the job form's services: required when the title names it, preferred
otherwise. The facts are then read back through `matching.adapters`, the code that feeds the
engine, under the files' ids.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.db import transaction

from accounts.models import Company, Membership, User
from config.celery import tasks_in_this_process
from jobs.jobschema import import_jobschema
from jobs.models import Job
from jobs.services import resolve_suggestions, update_job
from matching.adapters import candidate_facts, job_facts
from matching.evaluation import EvalSet, _raw, without_location
from resumes.jsonresume import import_jsonresume
from resumes.models import CandidateProfile
from resumes.skills import find_skills


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """The in-process tasks' INFO lines (a few per imported row) kept out of the report."""
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def _accept_suggestions(job: Job, recruiter: User) -> None:
    """The analysis' suggested skills accepted as a recruiter accepting them all in the job form
    does (`update_job`, then `resolve_suggestions`): required when the title names them."""
    title = {m.slug for m in find_skills(job.title)}
    suggested = [s["slug"] for s in (job.analysis or {}).get("skills", [])]
    required = [*job.required_skills, *(s for s in suggested if s in title)]
    preferred = [*job.preferred_skills, *(s for s in suggested if s not in title)]
    if not required and preferred:
        required, preferred = preferred, []
    required = list(dict.fromkeys(required))
    preferred = [s for s in dict.fromkeys(preferred) if s not in required]
    update_job(
        job=job,
        actor=recruiter,
        fields={"required_skills": required, "preferred_skills": preferred},
    )
    resolve_suggestions(job=job, decided=suggested, rejected=[], years_decided=False)


def _documents(folder: Path, *, with_location: bool) -> tuple[dict, dict]:
    def read(path: Path) -> dict[str, Any]:
        return json.loads(path.read_text(encoding="utf-8"))

    jobs = {p.stem: read(p) for p in sorted((folder / "jobs").glob("*.json"))}
    candidates = {p.stem: read(p) for p in sorted((folder / "candidates").glob("*.json"))}
    if not with_location:
        # Every location field left out; the postings read as remote jobs, as the set's
        # in-memory loader makes them.
        jobs = {k: {**without_location(v), "remote": "Full"} for k, v in jobs.items()}
        candidates = {k: without_location(v) for k, v in candidates.items()}
    return jobs, candidates


def load_through_import(folder: Path, *, with_location: bool = True) -> EvalSet:
    """The set's jobs and candidates imported into this database and read back as facts."""
    postings, resumes = _documents(folder, with_location=with_location)
    with tasks_in_this_process(), quiet(), transaction.atomic():
        company = Company.objects.create(name="Evaluation", slug="evaluation")
        recruiter = User.objects.create_user("recruiter@evaluation.invalid", role="recruiter")
        Membership.objects.create(user=recruiter, company=company, role=Membership.Role.OWNER)
        job_ids = {
            stem: import_jobschema(company=company, created_by=recruiter, posting=posting).pk
            for stem, posting in postings.items()
        }
        profile_ids = {}
        for stem, resume in resumes.items():
            user = User.objects.create_user(f"{stem}@evaluation.invalid", role="candidate")
            profile_ids[stem] = import_jsonresume(user=user, document=resume).pk
    # Analysed once the import committed (its tasks); then reviewed.
    with tasks_in_this_process(), quiet():
        for job in Job.objects.filter(pk__in=job_ids.values()):
            _accept_suggestions(job, recruiter)
    jobs = {job.pk: job for job in Job.objects.filter(pk__in=job_ids.values())}
    profiles = {p.pk: p for p in CandidateProfile.objects.filter(pk__in=profile_ids.values())}
    qrels = {
        name: folder / file
        for name, file in (("self", "qrels.tsv"), ("graded", "qrels_graded.tsv"))
        if (folder / file).is_file()
    }
    return EvalSet(
        folder.name,
        [replace(job_facts(jobs[pk]), id=stem) for stem, pk in job_ids.items()],
        [
            replace(candidate_facts(profiles[pk], with_embedding=False), id=stem)
            for stem, pk in profile_ids.items()
        ],
        {stem: _raw(posting) for stem, posting in postings.items()},
        {stem: _raw(resume) for stem, resume in resumes.items()},
        qrels,
    )
