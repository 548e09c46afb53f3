"""Who may use each resumes route (checked by config/tests/test_access_matrix.py)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from config.tests.access import Case, World, expect
from resumes.tests import documents
from resumes.tests.factories import make_resume

SIGNED_IN_API = expect(200, anonymous=401)
CANDIDATES_ONLY = expect(403, anonymous=401, candidate=200, other_candidate=200)


def carols_resume(world: World) -> dict[str, str]:
    return {"resume_id": str(make_resume(owner=world.candidate).pk)}


def carols_failed_resume(world: World) -> dict[str, str]:
    return {"resume_id": str(make_resume(owner=world.candidate, status="failed").pk)}


def acme_resume(world: World) -> dict[str, str]:
    return {"resume_id": str(make_resume(owner=world.candidate, company=world.acme).pk)}


def acme_failed_resume(world: World) -> dict[str, str]:
    resume = make_resume(owner=world.candidate, company=world.acme, status="failed")
    return {"resume_id": str(resume.pk)}


def a_pdf(world: World) -> dict[str, object]:
    return {"file": SimpleUploadedFile("cv.pdf", documents.sample_pdf())}


# Carol's own resume: hers alone (staff may read it in the API, but not act as her).
OWNER_ONLY = expect(404, anonymous=401, candidate=200)
PORTAL = expect(403, anonymous=302, recruiter=200, teammate=200, other_recruiter=200)
ACME_ONLY = expect(403, anonymous=302, recruiter=200, teammate=200, other_recruiter=404)

CASES = [
    Case("api:resume-list", expect=SIGNED_IN_API),
    Case(
        "api:resume-list",
        method="POST",
        data=a_pdf,
        expect=expect(403, anonymous=401, candidate=202, other_candidate=202),
    ),
    Case(
        "api:resume-detail",
        kwargs=carols_resume,
        expect=expect(404, anonymous=401, candidate=200, staff=200),
    ),
    Case(
        "api:resume-detail",
        method="DELETE",
        kwargs=carols_resume,
        expect=expect(404, anonymous=401, candidate=204, staff=403),
    ),
    Case("api:resume-download", kwargs=carols_resume, expect=OWNER_ONLY),
    Case(
        "api:resume-set-primary",
        method="POST",
        kwargs=carols_resume,
        expect=expect(404, anonymous=401, candidate=200, staff=403),
    ),
    Case(
        "api:resume-retry",
        method="POST",
        kwargs=carols_failed_resume,
        expect=expect(404, anonymous=401, candidate=202, staff=403),
    ),
    Case("api:profile", expect=CANDIDATES_ONLY),
    Case(
        "api:profile",
        method="PATCH",
        data={"headline": "Engineer"},
        expect=CANDIDATES_ONLY,
    ),
    Case("api:profile-jsonresume", expect=CANDIDATES_ONLY),
    Case(
        "api:profile-jsonresume",
        method="POST",
        data={"basics": {"label": "Engineer"}},
        content_type="application/json",
        expect=CANDIDATES_ONLY,
    ),
    Case("resumes:list", expect=PORTAL),
    Case("resumes:upload", expect=PORTAL),
    Case(
        "resumes:upload",
        method="POST",
        data=lambda world: {"email": "sourced@example.test", **a_pdf(world)},
        expect=expect(403, anonymous=302, recruiter=302, teammate=302, other_recruiter=302),
    ),
    Case("resumes:detail", kwargs=acme_resume, expect=ACME_ONLY),
    Case("resumes:download", kwargs=acme_resume, expect=ACME_ONLY),
    Case(
        "resumes:retry",
        method="POST",
        kwargs=acme_failed_resume,
        expect=expect(403, anonymous=302, recruiter=302, teammate=302, other_recruiter=404),
    ),
]
