"""A small hand-built hiring history with known figures, for the dashboard and export tests.

Acme, March 2026. Job "Backend" (five applications) and job "Designer" (one):

    app  score  history (day after applying: stage, by)                       ends
    A1   0.95   0 applied · 2 screening · 5 interview · 10 offer · 14 hired     hired (alice)
    A2   0.55   0 applied · 1 screening · 4 interview · 6 rejected             rejected (alice)
    A3   0.35   0 applied · 3 screening · 4 rejected                           rejected (bob)
    A4   0.15   0 applied                                                      applied
    A5   0.85   0 applied · 2 screening · 4 interview · 8 offer · 18 hired      hired (bob)
    B1   0.45   0 applied · 1 withdrawn (by the candidate)                     withdrawn

Outside the figures: an Acme application made in May, and a Globex hire in March.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.models import Company, User
from analytics.dashboards.queries import Filters
from analytics.models import Event
from applications import services
from applications.models import Application, RejectionReason, StageChange
from applications.tests.factories import make_application, stage
from conftest import make_user
from jobs.models import Job
from jobs.tests.factories import make_job

MARCH_1 = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)

PLAN: list[tuple[str, str, float, list[tuple[str, int, str]]]] = [
    # (name, job, score, [(stage, day, by)]) — the first "applied" row is made by applying
    ("A1", "backend", 0.95, [("screening", 2, "alice"), ("interview", 5, "alice"),
                             ("offer", 10, "alice"), ("hired", 14, "alice")]),
    ("A2", "backend", 0.55, [("screening", 1, "alice"), ("interview", 4, "alice"),
                             ("rejected", 6, "alice")]),
    ("A3", "backend", 0.35, [("screening", 3, "bob"), ("rejected", 4, "bob")]),
    ("A4", "backend", 0.15, []),
    ("A5", "backend", 0.85, [("screening", 2, "bob"), ("interview", 4, "bob"),
                             ("offer", 8, "bob"), ("hired", 18, "bob")]),
    ("B1", "designer", 0.45, [("withdrawn", 1, "candidate")]),
]  # fmt: skip


@dataclass
class History:
    acme: Company
    globex: Company
    backend: Job
    designer: Job
    apps: dict[str, Application]
    alice: User
    bob: User

    def filters(self, job: Job | None = None) -> Filters:
        return Filters(
            company_id=self.acme.pk,
            start=dt.date(2026, 3, 1),
            end=dt.date(2026, 3, 31),
            job_id=job.pk if job else None,
        )


def _at(application: Application, created: dt.datetime, days: list[int]) -> None:
    """Move the application's clock: created at `created`, changes `days` after it."""
    Application.objects.filter(pk=application.pk).update(created_at=created)
    changes = StageChange.objects.filter(application=application).order_by("id")
    for change, day in zip(changes, days, strict=True):
        StageChange.objects.filter(pk=change.pk).update(created_at=created + dt.timedelta(days=day))


def _play(application: Application, steps: list[tuple[str, int, str]], people: dict) -> None:
    job = application.job
    for slug, _, who in steps:
        application.refresh_from_db()
        if who == "candidate":
            services.withdraw_application(application=application, candidate=application.candidate)
            continue
        target = stage(job, slug)
        reason = (
            RejectionReason.objects.filter(company=job.company).first()
            if slug == "rejected"
            else None
        )
        services.move_application(
            application=application, to_stage=target, by=people[who], rejection_reason=reason
        )


def build_history(*, acme: Company, globex: Company, alice: User, bob: User,
                  charlie: User) -> History:  # fmt: skip
    jobs = {
        "backend": make_job(acme, title="Backend"),
        "designer": make_job(acme, title="Designer"),
    }
    people = {"alice": alice, "bob": bob}
    apps: dict[str, Application] = {}
    for i, (name, job, score, steps) in enumerate(PLAN):
        candidate = make_user(f"cand{i}@example.test", User.Role.CANDIDATE, first_name=name)
        app = make_application(
            company=acme, candidate=candidate, job=jobs[job], primary_resume=False
        )
        Application.objects.filter(pk=app.pk).update(match_score=score)
        _play(app, steps, people)
        _at(app, MARCH_1, [0, *(day for _, day, _ in steps)])
        apps[name] = app

    # Noise that must not count: Acme in May, Globex in March.
    late = make_application(
        company=acme,
        candidate=make_user("late@example.test", User.Role.CANDIDATE),
        job=jobs["backend"],
        primary_resume=False,
    )
    services.move_application(application=late, to_stage=stage(late.job, "screening"), by=alice)
    _at(late, dt.datetime(2026, 5, 2, tzinfo=dt.UTC), [0, 1])
    rival = make_application(
        company=globex,
        candidate=make_user("rival@example.test", User.Role.CANDIDATE),
        primary_resume=False,
    )
    Application.objects.filter(pk=rival.pk).update(match_score=0.05)
    services.move_application(application=rival, to_stage=stage(rival.job, "hired"), by=charlie)
    _at(rival, MARCH_1, [0, 3])

    # Views of the job pages: three in March, one in May; one of Globex's job.
    for day in (1, 2, 3, 70):
        event = Event.objects.create(
            kind="job.viewed", company=acme, subject_type="jobs.job",
            subject_id=str(jobs["backend"].pk),
        )  # fmt: skip
        Event.objects.filter(pk=event.pk).update(created_at=MARCH_1 + dt.timedelta(days=day))
    Event.objects.create(
        kind="job.viewed", company=globex, subject_type="jobs.job", subject_id=str(rival.job_id)
    )
    return History(acme, globex, jobs["backend"], jobs["designer"], apps, alice, bob)
