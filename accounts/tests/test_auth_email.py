"""Email sign-up and login on the mobile app: allauth headless `app` client, mandatory email
verification (by code, or by the key in a link), then the session token on /api/v1/."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from accounts.tests.conftest import HeadlessApp, flow_ids, last_email_code

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase 42"


def test_sign_up_verify_by_code_and_call_the_api(headless_app: HeadlessApp, api):
    status, body = headless_app.post(
        "/auth/signup", {"email": "erin@example.test", "password": PASSWORD}
    )

    # Signed up, but not in until the address is verified.
    assert status == 401
    assert body["meta"]["is_authenticated"] is False
    assert flow_ids(body) == ["verify_email"]
    assert mail.outbox[-1].to == ["erin@example.test"]
    user = User.objects.get(email="erin@example.test")
    assert user.role == User.Role.CANDIDATE
    assert api.get("/api/v1/me", HTTP_X_SESSION_TOKEN=headless_app.session_token).status_code == 401

    status, body = headless_app.post("/auth/email/verify", {"key": last_email_code()})

    assert status == 200, body
    assert body["meta"]["is_authenticated"] is True
    assert EmailAddress.objects.get(user=user).verified is True
    me = api.get("/api/v1/me", HTTP_X_SESSION_TOKEN=headless_app.session_token)
    assert me.status_code == 200
    assert me.json()["email"] == "erin@example.test"
    assert me.json()["role"] == "candidate"


def test_a_wrong_verification_code_is_refused(headless_app: HeadlessApp):
    headless_app.post("/auth/signup", {"email": "erin@example.test", "password": PASSWORD})

    status, body = headless_app.post("/auth/email/verify", {"key": "WRONG1"})

    assert status == 400
    assert body["errors"][0]["code"] == "incorrect_code"
    assert EmailAddress.objects.get(email="erin@example.test").verified is False


def test_sign_up_verify_by_key_from_the_link_then_log_in(headless_app: HeadlessApp, api, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
    headless_app.post("/auth/signup", {"email": "erin@example.test", "password": PASSWORD})
    link = re.search(r"/accounts/confirm-email/(\S+)/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    key = unquote(link.group(1))

    app = HeadlessApp()  # e.g. the link opened the app on another device
    status, body = app.post("/auth/email/verify", {"key": key})
    # Verified, but a link opened elsewhere does not sign anyone in: the app logs in next.
    assert status == 401, body
    assert body["meta"]["is_authenticated"] is False
    assert EmailAddress.objects.get(email="erin@example.test").verified is True

    status, body = app.post("/auth/login", {"email": "erin@example.test", "password": PASSWORD})

    assert status == 200, body
    me = api.get("/api/v1/me", HTTP_X_SESSION_TOKEN=app.session_token)
    assert me.json()["email"] == "erin@example.test"


def test_an_unverified_address_cannot_log_in(headless_app: HeadlessApp):
    headless_app.post("/auth/signup", {"email": "erin@example.test", "password": PASSWORD})
    app = HeadlessApp()

    status, body = app.post("/auth/login", {"email": "erin@example.test", "password": PASSWORD})

    assert status == 401
    assert body["meta"]["is_authenticated"] is False
    assert flow_ids(body) == ["verify_email"]


def test_login_with_a_wrong_password_is_refused(headless_app: HeadlessApp, candidate):
    status, body = headless_app.post(
        "/auth/login", {"email": candidate.email, "password": "not the password"}
    )

    assert status == 400
    assert body["errors"][0]["code"] == "email_password_mismatch"
    assert headless_app.session_token is None


def test_sign_up_cannot_choose_a_role(headless_app: HeadlessApp):
    headless_app.post(
        "/auth/signup", {"email": "erin@example.test", "password": PASSWORD, "role": "staff"}
    )

    assert User.objects.get(email="erin@example.test").role == User.Role.CANDIDATE


def test_signing_up_with_a_taken_address_mails_the_owner_and_changes_nothing(
    headless_app: HeadlessApp, candidate
):
    status, body = headless_app.post(
        "/auth/signup", {"email": candidate.email, "password": PASSWORD}
    )

    # Looks like any sign-up to the caller (no account enumeration); the owner is told.
    assert status == 401
    assert flow_ids(body) == ["verify_email"]
    assert User.objects.filter(email=candidate.email).count() == 1
    assert mail.outbox[-1].to == [candidate.email]
    assert "Already Exists" in mail.outbox[-1].subject
    candidate.refresh_from_db()
    assert not candidate.check_password(PASSWORD)


def test_logout_ends_the_session_token(headless_app: HeadlessApp, candidate, api):
    status, _ = headless_app.post(
        "/auth/login", {"email": candidate.email, "password": "correct horse battery staple"}
    )
    assert status == 200
    token = headless_app.session_token

    response = headless_app.client.delete(
        "/_allauth/app/v1/auth/session", headers={"X-Session-Token": token}
    )

    assert response.status_code == 401  # allauth: "no longer authenticated"
    me = api.get("/api/v1/me", HTTP_X_SESSION_TOKEN=token)
    assert me.status_code == 401
    assert me.json()["error"]["code"] == "authentication_failed"
