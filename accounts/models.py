"""Who uses Talentmatch: candidates, recruiters, staff, and the companies recruiters work for."""

from __future__ import annotations

import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

INVITATION_LIFETIME = timedelta(days=14)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True, role=User.Role.STAFF)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an email address (no username)."""

    class Role(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        RECRUITER = "recruiter", "Recruiter"
        STAFF = "staff", "Staff"

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CANDIDATE)
    phone = models.CharField(max_length=32, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    @property
    def is_candidate(self) -> bool:
        return self.role == self.Role.CANDIDATE

    @property
    def is_recruiter(self) -> bool:
        return self.role == self.Role.RECRUITER

    def company_ids(self) -> list[int]:
        """Companies this user recruits for (empty for candidates)."""
        return list(self.memberships.values_list("company_id", flat=True))

    def primary_membership(self) -> Membership | None:
        return self.memberships.select_related("company").order_by("created_at").first()


class CompanyQuerySet(models.QuerySet["Company"]):
    def for_user(self, user: User) -> CompanyQuerySet:
        return self.filter(memberships__user=user)


# The hybrid match score's components (`matching.scoring`), whose weights a company may set.
MATCH_COMPONENTS = ("lexical", "semantic", "traditional")


def validate_match_weights(value: object) -> None:
    """A company's match weights: the components it sets (`MATCH_COMPONENTS`), each a number
    >= 0; the others keep the platform's `MATCH_WEIGHTS`. Not all zero once merged."""
    if not isinstance(value, dict):
        raise ValidationError('Match weights must be an object, e.g. {"semantic": 0.5}.')
    unknown = sorted(set(value) - set(MATCH_COMPONENTS))
    if unknown:
        raise ValidationError(
            f"Unknown match component {', '.join(unknown)}: use {', '.join(MATCH_COMPONENTS)}."
        )
    for name, weight in value.items():
        number = isinstance(weight, int | float) and not isinstance(weight, bool)
        if not number or not math.isfinite(weight) or weight < 0:
            raise ValidationError(f"The {name} weight must be a number >= 0, not {weight!r}.")
    if sum({**settings.MATCH_WEIGHTS, **value}.values()) <= 0:
        raise ValidationError("The match weights must not all be zero.")


class Company(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    website = models.URLField(blank=True)
    # Overrides of MATCH_WEIGHTS for this company's jobs (staff set them in the admin; a change
    # re-ranks the company's open jobs).
    match_weights = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_match_weights],
        help_text="The hybrid score's weights for this company's jobs, e.g. "
        '{"semantic": 0.6, "lexical": 0.2}: the components not named keep the platform\'s '
        "weights, and all are normalised to sum to 1. Empty: the platform's weights.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def match_weights_in_effect(self) -> dict[str, float]:
        """The weights this company's matches are scored with (not yet normalised)."""
        return {**settings.MATCH_WEIGHTS, **self.match_weights}


class Membership(models.Model):
    """A recruiter's seat in a company."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        RECRUITER = "recruiter", "Recruiter"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.RECRUITER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company"], name="membership_unique_user_company"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company} ({self.role})"

    @property
    def can_manage_team(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.ADMIN)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _default_expiry():
    return timezone.now() + INVITATION_LIFETIME


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An emailed invitation to join a company; its link creates or attaches the account."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(
        max_length=16, choices=Membership.Role.choices, default=Membership.Role.RECRUITER
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_default_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.company}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
