"""Access expectations for analytics' routes (format: config/tests/access.py).

Dashboards and exports show the signed-in recruiter's own company; a job of another company
in the filters is a 404. The audit log is for company owners (alice at Acme, charlie at
Globex, each seeing their own company's); a member of another company in its filters is a 404.
"""

from __future__ import annotations

from typing import Any

from config.tests.access import Case, World, expect
from jobs.tests.factories import make_job

RECRUITERS = expect(403, anonymous=302, recruiter=200, teammate=200, other_recruiter=200)
ACME_ONLY = expect(403, anonymous=302, recruiter=200, teammate=200, other_recruiter=404)
OWNERS = expect(403, anonymous=302, recruiter=200, other_recruiter=200)
ACME_OWNER_ONLY = expect(403, anonymous=302, recruiter=200, other_recruiter=404)


def acme_job(world: World) -> dict[str, Any]:
    return {"job": make_job(world.acme).pk}


def acme_member(world: World) -> dict[str, Any]:
    return {"actor": world.teammate.pk}


CASES = [
    Case("analytics:audit", expect=OWNERS),
    Case("analytics:audit", data=acme_member, expect=ACME_OWNER_ONLY, label="acme member"),
    Case("analytics:dashboard", expect=RECRUITERS),
    Case("analytics:dashboard", data=acme_job, expect=ACME_ONLY, label="acme job"),
    Case("analytics:export", kwargs={"dataset": "applications", "fmt": "csv"}, expect=RECRUITERS),
    Case(
        "analytics:export",
        kwargs={"dataset": "stage_history", "fmt": "parquet"},
        data=acme_job,
        expect=ACME_ONLY,
        label="acme job",
    ),
]
