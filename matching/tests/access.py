"""Access expectations for matching's routes (format: config/tests/access.py).

Objects belong to Acme (alice `recruiter`, bob `teammate`) and carol (`candidate`); charlie
(`other_recruiter`, Globex) and dave (`other_candidate`) are the outsiders.
"""

from __future__ import annotations

from typing import Any

from config.tests.access import Case, World, expect
from jobs.tests.factories import make_job
from resumes.models import CandidateProfile


def acme_job(world: World) -> dict[str, Any]:
    return {"job_id": make_job(world.acme).pk}


def acme_job_pk(world: World) -> dict[str, Any]:
    return {"pk": make_job(world.acme).pk}


def acme_job_and_carols_profile(world: World) -> dict[str, Any]:
    # Carol has a profile (her fit is computed); dave has none (409: nothing to match yet).
    CandidateProfile.objects.create(
        user=world.candidate, headline="Backend engineer", skills=["python"], country="DE"
    )
    return {"pk": make_job(world.acme).pk}


def acme_match(world: World) -> dict[str, Any]:
    from matching.models import Match

    profile = CandidateProfile.objects.create(
        user=world.candidate, headline="Engineer", is_discoverable=True
    )
    match = Match.objects.create(
        job=make_job(world.acme), candidate=profile, score=0.5, inputs_hash="x"
    )
    return {"match_id": match.pk}


ACME_PAGE = expect(200, anonymous=302, candidate=403, other_candidate=403, staff=403,
                   other_recruiter=404)  # fmt: skip
ACME_ACTION = expect(302, candidate=403, other_candidate=403, staff=403, other_recruiter=404)

CASES = [
    Case("matching:job-matches", kwargs=acme_job, expect=ACME_PAGE),
    Case("matching:job-recompute", method="POST", kwargs=acme_job, expect=ACME_ACTION),
    Case(
        "matching:match-feedback",
        method="POST",
        kwargs=acme_match,
        data={"action": "shortlist"},
        expect=ACME_ACTION,
    ),
    Case("api:match-list", expect=expect(403, anonymous=401, candidate=200, other_candidate=200)),
    Case(
        "api:job-match",
        kwargs=acme_job_and_carols_profile,
        expect=expect(403, anonymous=401, candidate=200, other_candidate=409),
    ),
    Case(
        "api:recruiter-job-matches",
        kwargs=acme_job_pk,
        expect=expect(403, anonymous=401, recruiter=200, teammate=200, other_recruiter=404),
    ),
]
