"""Staff's platform figures on the admin index."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from analytics.dashboards.platform import platform_figures
from resumes.models import CandidateProfile, Resume
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


def stale_fixture(acme, candidate, other_candidate) -> None:
    """Four pairs computed 5 minutes ago; job A changed 3 minutes ago and carol's profile 1
    minute ago, job B and dave's profile before the computation: 3 stale pairs."""
    from jobs.models import Job
    from jobs.tests.factories import make_job
    from matching.models import Match

    now = timezone.now()
    job_a, job_b = make_job(acme), make_job(acme)
    carol = CandidateProfile.objects.create(user=candidate)
    dave = CandidateProfile.objects.create(user=other_candidate)
    for job in (job_a, job_b):
        for profile in (carol, dave):
            Match.objects.create(job=job, candidate=profile, score=0.5, inputs_hash="h",
                                 computed_at=now - dt.timedelta(minutes=5))  # fmt: skip
    Job.objects.filter(pk=job_a.pk).update(updated_at=now - dt.timedelta(minutes=3))
    Job.objects.filter(pk=job_b.pk).update(updated_at=now - dt.timedelta(minutes=10))
    CandidateProfile.objects.filter(pk=carol.pk).update(updated_at=now - dt.timedelta(minutes=1))
    CandidateProfile.objects.filter(pk=dave.pk).update(updated_at=now - dt.timedelta(minutes=10))


def test_match_lag_counts_stale_pairs_jobs_and_profiles_by_the_age_of_the_oldest_change(
    acme, candidate, other_candidate
):
    stale_fixture(acme, candidate, other_candidate)
    lag = platform_figures()["match_lag"]
    assert (lag["stale_pairs"], lag["stale_jobs"], lag["stale_profiles"]) == (3, 1, 1)
    assert 180 <= lag["job_lag_s"] < 190  # job A's change, 3 minutes ago
    assert 60 <= lag["profile_lag_s"] < 70  # carol's, 1 minute ago (not 4: edit - compute)
    assert lag["lag_s"] == lag["job_lag_s"]


def test_match_lag_is_zero_when_every_pair_was_computed_after_its_changes(acme, candidate):
    from jobs.tests.factories import make_job
    from matching.models import Match

    profile = CandidateProfile.objects.create(user=candidate)
    Match.objects.create(job=make_job(acme), candidate=profile, score=0.5, inputs_hash="h",
                         computed_at=timezone.now() + dt.timedelta(seconds=1))  # fmt: skip
    lag = platform_figures()["match_lag"]
    assert lag == {"stale_pairs": 0, "lag_s": 0.0, "stale_jobs": 0, "job_lag_s": 0.0,
                   "stale_profiles": 0, "profile_lag_s": 0.0}  # fmt: skip


def test_the_admin_index_and_metrics_report_the_same_match_lag(
    client, staff, acme, candidate, other_candidate
):
    from prometheus_client.parser import text_string_to_metric_families

    stale_fixture(acme, candidate, other_candidate)
    client.force_login(staff)
    admin_figures = platform_figures()["match_lag"]
    html = client.get("/admin/").content.decode()
    text = client.get("/metrics").content.decode()  # staff may read it with a session
    scraped = {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name.startswith("talentmatch_match_")
    }
    assert scraped["talentmatch_match_stale_pairs"] == admin_figures["stale_pairs"] == 3
    # Read a few milliseconds apart: the same oldest change, aged by the time between reads.
    lag = scraped["talentmatch_match_recompute_lag_seconds"]
    assert 0 <= lag - admin_figures["lag_s"] < 2
    assert (
        "1 profiles (up to 1 min" in html
        and "1 jobs (up to 3 min" in html
        and "3 matches waiting" in html
    )
