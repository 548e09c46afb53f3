"""Personas shared by every app's tests.

Acme: alice (owner) and bob (recruiter). Globex: charlie (recruiter, another company).
Candidates: carol and dave. Staff: sam.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Company, Membership, User

pytest_plugins = ["config.testing"]

PASSWORD = "correct horse battery staple"


def make_user(email: str, role: str, **extra) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, role=role, **extra)
    # allauth's mandatory verification: personas have verified addresses.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def acme(db) -> Company:
    return Company.objects.create(name="Acme Robotics", slug="acme")


@pytest.fixture
def globex(db) -> Company:
    return Company.objects.create(name="Globex", slug="globex")


@pytest.fixture
def recruiter(acme) -> User:
    user = make_user("alice@acme.test", User.Role.RECRUITER, first_name="Alice")
    Membership.objects.create(user=user, company=acme, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def teammate(acme, recruiter) -> User:
    user = make_user("bob@acme.test", User.Role.RECRUITER, first_name="Bob")
    Membership.objects.create(user=user, company=acme, role=Membership.Role.RECRUITER)
    return user


@pytest.fixture
def other_recruiter(globex) -> User:
    user = make_user("charlie@globex.test", User.Role.RECRUITER, first_name="Charlie")
    Membership.objects.create(user=user, company=globex, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def candidate(db) -> User:
    return make_user("carol@example.test", User.Role.CANDIDATE, first_name="Carol")


@pytest.fixture
def other_candidate(db) -> User:
    return make_user("dave@example.test", User.Role.CANDIDATE, first_name="Dave")


@pytest.fixture
def staff(db) -> User:
    user = make_user("sam@talentmatch.test", User.Role.STAFF, is_staff=True, is_superuser=True)
    return user


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as():
    """`api_as(user)`: an API client authenticated as `user` (session auth, as DRF sees it)."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def personas(db, candidate, other_candidate, recruiter, teammate, other_recruiter, staff):
    return {
        "anonymous": None,
        "candidate": candidate,
        "other_candidate": other_candidate,
        "recruiter": recruiter,
        "teammate": teammate,
        "other_recruiter": other_recruiter,
        "staff": staff,
    }
