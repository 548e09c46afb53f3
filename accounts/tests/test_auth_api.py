"""/api/v1/me for every persona, signed in the way each client really signs in."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.conftest import HeadlessApp
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNED_IN = ["candidate", "other_candidate", "recruiter", "teammate", "other_recruiter", "staff"]


def session_token_for(email: str) -> str:
    app = HeadlessApp()
    status, body = app.post("/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, body
    assert app.session_token
    return app.session_token


def test_anonymous_gets_401_with_the_error_shape_and_a_challenge(api, personas):
    response = api.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "Authentication credentials were not provided.",
        }
    }
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert api.patch("/api/v1/me", {"first_name": "X"}, format="json").status_code == 401


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_each_persona_sees_only_itself(persona, personas, api):
    user = personas[persona]
    token = session_token_for(user.email)

    response = api.get("/api/v1/me", HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 200
    assert response.json()["id"] == user.id
    assert response.json()["email"] == user.email
    assert response.json()["role"] == user.role


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_each_persona_edits_only_itself(persona, personas, api):
    user = personas[persona]
    token = session_token_for(user.email)

    response = api.patch(
        "/api/v1/me", {"last_name": "Edited"}, format="json", HTTP_X_SESSION_TOKEN=token
    )

    assert response.status_code == 200
    edited = User.objects.filter(last_name="Edited").values_list("pk", flat=True)
    assert list(edited) == [user.pk]


def test_a_made_up_session_token_answers_401_authentication_failed(api, candidate):
    response = api.get("/api/v1/me", HTTP_X_SESSION_TOKEN="not-a-session")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_portal_cookie_session_works_on_the_api_and_writes_need_csrf(candidate):
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(email=candidate.email, password=PASSWORD)

    assert browser.get("/api/v1/me").json()["email"] == candidate.email
    response = browser.patch("/api/v1/me", {"first_name": "X"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
