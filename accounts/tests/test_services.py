import pytest
from django.core.exceptions import PermissionDenied

from accounts import services
from accounts.models import Invitation

pytestmark = pytest.mark.django_db


def test_a_plain_recruiter_cannot_invite_through_the_service(teammate, acme):
    with pytest.raises(PermissionDenied):
        services.invite_member(
            company=acme, email="x@acme.test", role="recruiter", invited_by=teammate
        )
    assert not Invitation.objects.exists()


def test_an_admin_cannot_invite_an_owner(recruiter, teammate, acme):
    teammate.memberships.update(role="admin")
    with pytest.raises(PermissionDenied):
        services.invite_member(company=acme, email="x@acme.test", role="owner", invited_by=teammate)
    invitation = services.invite_member(
        company=acme, email="y@acme.test", role="admin", invited_by=teammate
    )
    assert invitation.role == "admin"


def test_a_recruiter_of_another_company_cannot_invite(other_recruiter, acme):
    with pytest.raises(PermissionDenied):
        services.invite_member(
            company=acme, email="x@acme.test", role="recruiter", invited_by=other_recruiter
        )
