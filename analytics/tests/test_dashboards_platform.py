"""Staff's platform figures on the admin index."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from analytics.dashboards.platform import platform_figures
from resumes.models import Resume
from resumes.tests.factories import make_resume


def test_parse_success_rate_and_queue_lag(candidate, other_candidate):
    make_resume(owner=candidate, status=Resume.Status.PARSED)
    make_resume(owner=candidate, status=Resume.Status.PARSED)
    make_resume(owner=other_candidate, status=Resume.Status.PARSED)
    make_resume(owner=other_candidate, status=Resume.Status.FAILED)
    waiting = make_resume(owner=other_candidate, status=Resume.Status.UPLOADED)
    Resume.objects.filter(pk=waiting.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(hours=2)
    )
    parsing = platform_figures()["parsing"]
    assert (parsing["parsed"], parsing["failed"], parsing["success_rate"]) == (3, 1, 0.75)
    assert parsing["waiting"] == 1
    assert 7190 < parsing["oldest_wait_s"] < 7300


def test_signups_by_role(candidate, other_candidate, recruiter):
    signups = {row["role"]: row for row in platform_figures()["signups"]}
    assert signups["candidate"]["day"] == 2
    assert signups["recruiter"]["total"] == 1


def test_staff_see_the_figures_on_the_admin_index(client, staff, recruiter):
    client.force_login(staff)
    html = client.get("/admin/").content.decode()
    assert "Platform figures" in html and "Match recompute lag" in html
    assert "Parse success rate (30 days)" in html


def test_match_recompute_lag_counts_profiles_edited_after_their_matches(candidate, acme):
    from jobs.tests.factories import make_job
    from matching.models import Match
    from resumes.models import CandidateProfile

    profile, _ = CandidateProfile.objects.get_or_create(user=candidate)
    job = make_job(acme)
    computed = timezone.now() - dt.timedelta(hours=3)
    Match.objects.create(job=job, candidate=profile, score=0.5, inputs_hash="x",
                         computed_at=computed)  # fmt: skip
    CandidateProfile.objects.filter(pk=profile.pk).update(
        updated_at=computed + dt.timedelta(hours=1)
    )
    lag = platform_figures()["match_lag"]
    assert lag["stale_profiles"] == 1
    assert lag["profile_lag_s"] == 3600
    assert lag["stale_jobs"] == 1  # the job was saved after that computation too
