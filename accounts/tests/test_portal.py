import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership, User
from conftest import PASSWORD

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


# --- Login and logout --------------------------------------------------------------------


def test_recruiter_logs_in_with_email_and_lands_on_the_dashboard(client, recruiter):
    response = client.post(
        "/accounts/login/", {"login": "alice@acme.test", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/portal/"
    assert b"Acme Robotics" in response.content


def test_login_page_has_no_cognito_button_when_cognito_is_off(client, db):
    body = client.get("/accounts/login/").content.decode()
    assert 'id="login-form"' in body
    assert "Log in with Cognito" not in body


def test_login_page_offers_cognito_when_it_is_configured(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "amazon_cognito": {
            "DOMAIN": "https://talentmatch.auth.eu-west-1.amazoncognito.com",
            "APPS": [{"client_id": "client-id", "secret": ""}],
        }
    }
    body = client.get("/accounts/login/?next=/portal/team/").content.decode()
    assert "Log in with Cognito" in body
    assert (
        'action="/accounts/amazon-cognito/login/?process=login&amp;next=%2Fportal%2Fteam%2F"'
        in body
    )


def test_logout_ends_the_session(client, recruiter):
    client.force_login(recruiter)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/portal/").status_code == 302


# --- Dashboard and team --------------------------------------------------------------------


def test_dashboard_counts_members_and_pending_invitations(client, recruiter, teammate, acme):
    Invitation.objects.create(company=acme, email="x@example.test", invited_by=recruiter)
    client.force_login(teammate)
    body = client.get("/portal/").content.decode()
    assert "members, 1 invitation pending" in body


def test_team_shows_pending_invitations_of_own_company_only(
    client, recruiter, other_recruiter, acme, globex
):
    Invitation.objects.create(company=acme, email="mine@example.test", invited_by=recruiter)
    Invitation.objects.create(company=globex, email="theirs@example.test")
    client.force_login(recruiter)
    body = client.get("/portal/team/").content.decode()
    assert "mine@example.test" in body
    assert "theirs@example.test" not in body


def test_plain_recruiter_does_not_see_the_invite_form(client, teammate):
    client.force_login(teammate)
    assert b"Send invitation" not in client.get("/portal/team/").content


def test_htmx_invite_answers_with_the_team_fragment_only(client, recruiter):
    client.force_login(recruiter)
    response = client.post(
        "/portal/team/",
        {"email": "Dana@Example.test", "role": "admin"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "Invitation sent to dana@example.test" in body
    assert 'id="invitations"' in body and "dana@example.test" in body
    assert Invitation.objects.get(email="dana@example.test").role == "admin"


def test_htmx_invite_of_an_existing_member_shows_the_error_in_the_fragment(
    client, recruiter, teammate
):
    client.force_login(recruiter)
    response = client.post(
        "/portal/team/", {"email": "bob@acme.test", "role": "recruiter"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"already a member" in response.content
    assert not Invitation.objects.exists()


def test_invite_with_an_invalid_address_is_refused(client, recruiter):
    client.force_login(recruiter)
    response = client.post("/portal/team/", {"email": "not-an-email", "role": "recruiter"})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not Invitation.objects.exists()


# --- Invitations -----------------------------------------------------------------------------


def test_signed_out_invitee_signs_up_verifies_and_comes_back_to_accept(client, recruiter, acme):
    invitation = Invitation.objects.create(
        company=acme, email="erin@example.test", invited_by=recruiter
    )
    url = f"/portal/invitations/{invitation.token}/"
    page = client.get(url).content.decode()
    assert "Acme Robotics" in page
    assert f'href="/accounts/signup/?next={url}&amp;email=erin%40example.test"' in page

    response = client.post(
        f"/accounts/signup/?next={url}",
        {
            "email": "erin@example.test",
            "password1": "a long passphrase 7",
            "password2": "a long passphrase 7",
        },
    )
    assert response["Location"] == "/accounts/confirm-email/"
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE)
    assert code is not None
    response = client.post("/accounts/confirm-email/", {"code": code.group(1)})
    assert response["Location"] == url

    assert b"Accept invitation" in client.get(url).content
    response = client.post(url)
    assert response["Location"] == "/portal/"
    erin = User.objects.get(email="erin@example.test")
    assert erin.role == User.Role.RECRUITER
    assert Membership.objects.get(user=erin).company == acme


def test_signed_out_invitee_with_an_account_logs_in_and_comes_back(
    client, recruiter, candidate, acme
):
    invitation = Invitation.objects.create(company=acme, email=candidate.email)
    url = f"/portal/invitations/{invitation.token}/"
    response = client.post(
        f"/accounts/login/?next={url}", {"login": candidate.email, "password": PASSWORD}
    )
    assert response["Location"] == url


def test_someone_else_sees_whom_the_invitation_is_for_and_cannot_accept(
    client, recruiter, other_candidate, acme
):
    invitation = Invitation.objects.create(company=acme, email="carol@example.test")
    client.force_login(other_candidate)
    page = client.get(f"/portal/invitations/{invitation.token}/").content.decode()
    assert "sign in as carol@example.test" in page
    assert "Accept invitation" not in page
    assert client.post(f"/portal/invitations/{invitation.token}/").status_code == 403


def test_expired_invitation_cannot_be_accepted(client, recruiter, candidate, acme):
    invitation = Invitation.objects.create(
        company=acme, email=candidate.email, expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(candidate)
    assert b"expired" in client.get(f"/portal/invitations/{invitation.token}/").content
    response = client.post(f"/portal/invitations/{invitation.token}/")
    assert b"expired" in response.content
    assert not Membership.objects.filter(user=candidate).exists()


# --- Admin -----------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["user", "company", "membership", "invitation"])
def test_staff_can_search_and_filter_each_admin_changelist(
    client, staff, recruiter, teammate, acme, model
):
    Invitation.objects.create(company=acme, email="x@example.test", invited_by=recruiter)
    client.force_login(staff)
    url = f"/admin/accounts/{model}/"
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "acme"}).status_code == 200
    filtered = {
        "user": {"role__exact": "recruiter"},
        "company": {"created_at__gte": "2000-01-01"},
        "membership": {"role__exact": "owner"},
        "invitation": {"accepted_at__isempty": "1"},
    }[model]
    response = client.get(url, filtered)
    assert response.status_code == 200
    assert b"?e=1" not in response.content  # the admin's redirect for an unknown filter


def test_staff_can_open_a_company_with_its_members(client, staff, recruiter, acme):
    client.force_login(staff)
    response = client.get(f"/admin/accounts/company/{acme.pk}/change/")
    assert response.status_code == 200
    assert b"alice@acme.test" in response.content


def test_candidates_are_told_why_the_portal_refuses_them(client, candidate):
    client.force_login(candidate)
    response = client.get("/portal/team/")
    assert response.status_code == 403
    assert b"The portal is for recruiters of a company." in response.content


def test_an_unknown_invitation_answers_a_friendly_404(client, db):
    response = client.get("/portal/invitations/nope/")
    assert response.status_code == 404
    assert b"Not found" in response.content


def test_an_admin_cannot_invite_an_owner(client, recruiter, teammate, acme):
    Membership.objects.filter(user=teammate).update(role=Membership.Role.ADMIN)
    client.force_login(teammate)
    page = client.get("/portal/team/").content.decode()
    assert 'value="owner"' not in page
    response = client.post("/portal/team/", {"email": "boss@example.test", "role": "owner"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not Invitation.objects.exists()
    client.post("/portal/team/", {"email": "peer@example.test", "role": "admin"})
    assert Invitation.objects.get().role == Membership.Role.ADMIN
