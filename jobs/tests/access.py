"""Access expectations for jobs' routes: the recruiter portal and the candidate API.

Format: config/tests/access.py.
"""

from __future__ import annotations

from typing import Any

from config.tests.access import Case, World, expect
from jobs.models import Job, SavedJob
from jobs.tests.factories import make_job
from jobs.tests.test_portal import VALID


def acme_job(world: World) -> dict[str, int]:
    return {"pk": make_job(world.acme).pk}


def acme_draft(world: World) -> dict[str, int]:
    return {"pk": make_job(world.acme, status=Job.Status.DRAFT).pk}


def carols_saved_job(world: World) -> dict[str, int]:
    job = make_job(world.acme)
    SavedJob.objects.create(user=world.candidate, job=job)
    return {"pk": job.pk}


def job_form(world: World) -> dict[str, Any]:
    return dict(VALID)


# Portal pages: recruiters of some company; staff without a membership are not recruiters.
PORTAL = expect(200, anonymous=302, candidate=403, other_candidate=403, staff=403)
ACME_PAGE = expect(200, anonymous=302, candidate=403, other_candidate=403, staff=403,
                   other_recruiter=404)  # fmt: skip
ACME_ACTION = expect(302, candidate=403, other_candidate=403, staff=403, other_recruiter=404)
OWNER_ONLY = expect(403, anonymous=302, recruiter=200, other_recruiter=404)
OWNER_ONLY_POST = expect(403, anonymous=302, recruiter=302, other_recruiter=404)
SIGNED_IN = expect(200, anonymous=401)
CANDIDATES = expect(403, anonymous=401, candidate=200, other_candidate=200)
STAFF_ONLY = expect(302, staff=200)

CASES = [
    Case("jobs:list", expect=PORTAL),
    Case("jobs:create", expect=PORTAL),
    Case(
        "jobs:create",
        method="POST",
        data=job_form,
        # Each recruiter creates in their own company (Globex for charlie).
        expect=expect(302, candidate=403, other_candidate=403, staff=403),
        label="submit",
    ),
    Case("jobs:detail", kwargs=acme_job, expect=ACME_PAGE),
    Case("jobs:edit", kwargs=acme_job, expect=ACME_PAGE),
    Case(
        "jobs:edit",
        method="POST",
        kwargs=acme_job,
        data=job_form,
        expect=ACME_ACTION,
        label="submit",
    ),
    Case("jobs:analysis", kwargs=acme_job, expect=ACME_PAGE),
    Case("jobs:duplicate", method="POST", kwargs=acme_job, expect=ACME_ACTION),
    Case("jobs:publish", method="POST", kwargs=acme_draft, expect=ACME_ACTION),
    Case("jobs:close", method="POST", kwargs=acme_job, expect=ACME_ACTION),
    Case("jobs:delete", kwargs=acme_job, expect=OWNER_ONLY),
    Case("jobs:delete", method="POST", kwargs=acme_job, expect=OWNER_ONLY_POST, label="confirm"),
    Case("api:job-list", expect=SIGNED_IN),
    Case("api:job-detail", kwargs=acme_job, expect=SIGNED_IN),
    Case(
        "api:job-detail",
        kwargs=acme_draft,
        # The candidate API shows open jobs only, even to the draft's own recruiters.
        expect=expect(404, anonymous=401),
        label="draft",
    ),
    Case(
        "api:job-save",
        method="POST",
        kwargs=acme_job,
        expect=expect(403, anonymous=401, candidate=201, other_candidate=201),
    ),
    Case(
        "api:job-save",
        method="DELETE",
        kwargs=carols_saved_job,
        expect=expect(403, anonymous=401, candidate=204, other_candidate=404),
        label="unsave",
    ),
    Case("api:job-saved-list", expect=CANDIDATES),
    Case("admin:jobs_job_changelist", expect=STAFF_ONLY),
    Case(
        "admin:jobs_job_change",
        kwargs=lambda w: {"object_id": make_job(w.acme).pk},
        expect=STAFF_ONLY,
    ),
    Case("admin:jobs_savedjob_changelist", expect=STAFF_ONLY),
]
