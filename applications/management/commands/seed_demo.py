"""Demo data for a local platform: two companies, their recruiters, staff and candidates.

Idempotent: running it again updates nothing that exists and creates what is missing.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import Company, Membership, User
from jobs.demo import create_demo_jobs

DEMO_PASSWORD = "talentmatch-demo"

COMPANIES = [
    ("Acme Robotics", "acme", [("alice@acme.test", "owner"), ("bob@acme.test", "recruiter")]),
    ("Globex Analytics", "globex", [("grace@globex.test", "owner")]),
]
CANDIDATES = [
    ("carol@example.test", "Carol", "Nguyen"),
    ("dave@example.test", "Dave", "Okafor"),
    ("erin@example.test", "Erin", "Schmidt"),
    ("frank@example.test", "Frank", "Rossi"),
]
STAFF = "staff@talentmatch.test"


def ensure_user(email: str, role: str, **extra: object) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, role=role, **extra)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


# Where each demo candidate stands in Acme's first open job (created once, then left alone).
DEMO_PIPELINE = [  # (candidate, stage, how they came)
    ("carol@example.test", "interview", ("referral", "Alice's former colleague")),
    ("dave@example.test", "screening", ("job_board", "linkedin")),
    ("erin@example.test", "rejected", ("career_site", "")),
    ("frank@example.test", "applied", ("", "")),
]


def _demo_job():
    from jobs.models import Job

    return Job.objects.open().filter(company__slug="acme").order_by("pk").first()


def applied_job_label() -> str:
    job = _demo_job()
    return f"{job.title} (/portal/applications/jobs/{job.pk}/board/)" if job else ""


def seed_applications() -> int:
    """Demo candidates apply to Acme's first open job and stand in different stages."""
    from applications import services
    from applications.models import Application, RejectionReason

    job = _demo_job()
    if job is None:
        return 0
    alice = User.objects.get(email="alice@acme.test")
    for email, slug, (source, detail) in DEMO_PIPELINE:
        candidate = User.objects.get(email=email)
        if Application.objects.filter(job=job, candidate=candidate).exists():
            continue
        application = services.apply_to_job(
            candidate=candidate,
            job=job,
            cover_letter="I would love to join Acme.",
            source=source,
            source_detail=detail,
        )
        if slug == "applied":
            continue
        stage = services.stages_for_job(job).get(slug=slug)
        reason = RejectionReason.objects.filter(company=job.company).first()
        services.move_application(
            application=application,
            to_stage=stage,
            by=alice,
            rejection_reason=reason if slug == "rejected" else None,
            notify_candidate=False,  # demo history, not real news
        )
    return Application.objects.filter(job=job).count()


class Command(BaseCommand):
    help = "Create demo companies, recruiters, a staff user and candidates (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Seed even with DEBUG off (never in production)."
        )

    @transaction.atomic
    def handle(self, *args: object, force: bool = False, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates known passwords; run it with DEBUG on or --force."
            )
        for name, slug, members in COMPANIES:
            company, _ = Company.objects.get_or_create(slug=slug, defaults={"name": name})
            for email, role in members:
                user = ensure_user(
                    email, User.Role.RECRUITER, first_name=email.split("@")[0].title()
                )
                Membership.objects.get_or_create(
                    user=user, company=company, defaults={"role": role}
                )
            owner = company.memberships.filter(role=Membership.Role.OWNER).first()
            create_demo_jobs(company=company, created_by=owner.user, count=6)
        for email, first, last in CANDIDATES:
            ensure_user(email, User.Role.CANDIDATE, first_name=first, last_name=last)
        ensure_user(STAFF, User.Role.STAFF, is_staff=True, is_superuser=True)
        applied = seed_applications()
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        if applied:
            self.stdout.write(f"  pipeline:   {applied} applications at {applied_job_label()}")
        self.stdout.write("  recruiters: alice@acme.test, bob@acme.test, grace@globex.test")
        self.stdout.write(f"  candidates: {', '.join(c[0] for c in CANDIDATES)}")
        self.stdout.write(f"  staff:      {STAFF}")
        self.stdout.write(f"  password:   {DEMO_PASSWORD}")
