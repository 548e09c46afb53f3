"""Access expectations for applications' routes (format: config/tests/access.py).

Objects belong to Acme (alice `recruiter`, bob `teammate`) and carol (`candidate`); charlie
(`other_recruiter`, Globex) and dave (`other_candidate`) are the outsiders.
"""

from __future__ import annotations

from typing import Any

from config.tests.access import Case, World, expect
from jobs.tests.factories import make_job


def carols_application(world: World):
    from applications.tests.factories import make_application

    return make_application(company=world.acme, candidate=world.candidate)


def application_pk(world: World) -> dict[str, Any]:
    return {"pk": carols_application(world).pk}


def open_job(world: World) -> dict[str, Any]:
    return {"job": make_job(world.acme).pk}


CANDIDATES = expect(403, anonymous=401, candidate=200, other_candidate=200)
CAROL_ONLY = expect(403, anonymous=401, candidate=200, other_candidate=404)
SIGNED_IN = expect(200, anonymous=401)

API_CASES = [
    Case("api:application-list", expect=CANDIDATES),
    Case(
        "api:application-list",
        method="POST",
        data=open_job,
        content_type="application/json",
        expect=expect(403, anonymous=401, candidate=201, other_candidate=201),
        label="apply",
    ),
    Case("api:application-detail", kwargs=application_pk, expect=CAROL_ONLY),
    Case(
        "api:application-withdraw",
        method="POST",
        kwargs=application_pk,
        content_type="application/json",
        expect=CAROL_ONLY,
    ),
    Case("api:notification-list", expect=SIGNED_IN),
    Case(
        "api:notification-read",
        method="POST",
        data={},
        content_type="application/json",
        expect=SIGNED_IN,
    ),
    Case("api:notification-preferences", expect=SIGNED_IN),
    Case(
        "api:notification-preferences",
        method="PUT",
        data={"preferences": {"stage_changed": {"email": False}}},
        expect=SIGNED_IN,
        label="update",
    ),
    Case(
        "api:sms-consent",
        method="POST",
        data={"phone": "+4915112345678"},
        content_type="application/json",
        expect=expect(403, anonymous=401, candidate=201, other_candidate=201),
    ),
    Case(
        "api:sms-consent",
        method="DELETE",
        expect=expect(403, anonymous=401, candidate=204, other_candidate=204),
        label="revoke",
    ),
]

CASES = [*API_CASES]
