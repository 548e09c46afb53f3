import pytest
from django.core import mail

from accounts import services
from accounts.models import Invitation, Membership

pytestmark = pytest.mark.django_db


def test_dashboard_shows_the_recruiters_company(client, recruiter):
    client.force_login(recruiter)
    response = client.get("/portal/")
    assert response.status_code == 200
    assert b"Acme Robotics" in response.content


def test_dashboard_redirects_anonymous_to_login(client):
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_dashboard_refuses_candidates(client, candidate):
    client.force_login(candidate)
    assert client.get("/portal/").status_code == 403


def test_team_lists_only_own_company_members(client, recruiter, teammate, other_recruiter):
    client.force_login(teammate)
    body = client.get("/portal/team/").content.decode()
    assert "alice@acme.test" in body and "bob@acme.test" in body
    assert "charlie@globex.test" not in body


def test_owner_invites_and_invitee_accepts(
    client, recruiter, candidate, acme, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/portal/team/", {"email": "carol@example.test", "role": "recruiter"}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1  # the email task is enqueued once the invitation is committed
    invitation = Invitation.objects.get(email="carol@example.test")
    services.send_invitation(invitation=invitation)  # what the task runs
    assert invitation.token in mail.outbox[0].body

    client.force_login(candidate)
    response = client.post(f"/portal/invitations/{invitation.token}/")
    assert response.status_code == 302
    assert Membership.objects.filter(user=candidate, company=acme).exists()
    candidate.refresh_from_db()
    assert candidate.role == "recruiter"


def test_plain_recruiter_cannot_invite(client, teammate):
    client.force_login(teammate)
    response = client.post("/portal/team/", {"email": "x@example.test", "role": "admin"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_invitation_for_another_address_is_refused(client, recruiter, other_candidate, acme):
    invitation = Invitation.objects.create(
        company=acme, email="someone@else.test", invited_by=recruiter
    )
    client.force_login(other_candidate)
    client.post(f"/portal/invitations/{invitation.token}/")
    assert not Membership.objects.filter(user=other_candidate).exists()
