"""Two-factor authentication (allauth.mfa: TOTP + recovery codes) and the rule that recruiters
need it before any page or endpoint shows candidate data (REQUIRE_RECRUITER_MFA)."""

from __future__ import annotations

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import include, path
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsCandidate, IsRecruiter, RecruiterMfaSatisfied
from accounts.tests.conftest import HeadlessApp, flow_ids
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


class CandidateDataProbeApi(APIView):
    """Stands in for the later endpoints that show candidate data to recruiters."""

    permission_classes = [IsAuthenticated, IsRecruiter, RecruiterMfaSatisfied]

    def get(self, request: Request) -> Response:
        return Response({"candidates": []})


class OwnDataProbeApi(APIView):
    permission_classes = [IsAuthenticated, IsCandidate]

    def get(self, request: Request) -> Response:
        return Response({"resumes": []})


# The project's URLs plus the probes (used through @pytest.mark.urls below).
urlpatterns = [
    path("probe/candidate-data", CandidateDataProbeApi.as_view()),
    path("probe/own-data", OwnDataProbeApi.as_view()),
    path("", include("config.urls")),
]
uses_probes = pytest.mark.urls(__name__)


def totp_code(secret: str, *, step: int = 0) -> str:
    """The code an authenticator app shows now (`step` periods later: a fresh, unused code)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + step
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def require_mfa(settings) -> None:
    settings.REQUIRE_RECRUITER_MFA = True


def portal_login(client: Client, email: str) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content


# --- Portal ----------------------------------------------------------------------------------


def test_recruiter_without_totp_is_sent_to_enrolment_then_sees_the_dashboard(
    require_mfa, client, recruiter
):
    portal_login(client, recruiter.email)

    response = client.get("/portal/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"

    # allauth asks for the password again before any change to the second factors.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # allauth's own enrolment page: it shows a secret (kept in the session) to scan.
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    kinds = set(Authenticator.objects.filter(user=recruiter).values_list("type", flat=True))
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    dashboard = client.get("/portal/")
    assert dashboard.status_code == 200
    assert b"Acme Robotics" in dashboard.content


def test_recruiter_without_totp_sees_the_dashboard_when_mfa_is_not_required(client, recruiter):
    portal_login(client, recruiter.email)

    assert client.get("/portal/").status_code == 200


def test_login_with_totp_asks_for_the_code_before_signing_in(require_mfa, client, recruiter):
    secret = generate_totp_secret()
    TOTP.activate(recruiter, secret)

    response = client.post("/accounts/login/", {"login": recruiter.email, "password": PASSWORD})

    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert SESSION_KEY not in client.session
    assert client.get("/portal/").status_code == 302  # still anonymous

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200  # the form again, with an error
    assert SESSION_KEY not in client.session

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})

    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == recruiter.pk
    assert client.get("/portal/").status_code == 200


def test_a_recovery_code_signs_in_once(require_mfa, recruiter):
    TOTP.activate(recruiter, generate_totp_secret())
    code = RecoveryCodes.activate(recruiter).get_unused_codes()[0]

    first = Client()
    first.post("/accounts/login/", {"login": recruiter.email, "password": PASSWORD})
    first.post("/accounts/2fa/authenticate/", {"code": code})
    assert int(first.session[SESSION_KEY]) == recruiter.pk

    second = Client()
    second.post("/accounts/login/", {"login": recruiter.email, "password": PASSWORD})
    second.post("/accounts/2fa/authenticate/", {"code": code})
    assert SESSION_KEY not in second.session


# --- API ---------------------------------------------------------------------------------------


def app_login(email: str) -> HeadlessApp:
    app = HeadlessApp()
    status, body = app.post("/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, body
    return app


@uses_probes
def test_api_refuses_candidate_data_to_a_recruiter_until_totp_is_enrolled(
    require_mfa, recruiter, api
):
    app = app_login(recruiter.email)

    refused = api.get("/probe/candidate-data", HTTP_X_SESSION_TOKEN=app.session_token)

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "mfa_required"

    # Enrol through allauth's headless MFA endpoints, as the app would (password first).
    status, body = app.post("/auth/reauthenticate", {"password": PASSWORD})
    assert status == 200, body
    status, body = app.get("/account/authenticators/totp")
    assert status == 404  # no TOTP yet; allauth offers a secret
    secret = body["meta"]["secret"]
    status, body = app.post("/account/authenticators/totp", {"code": totp_code(secret)})
    assert status == 200, body

    granted = api.get("/probe/candidate-data", HTTP_X_SESSION_TOKEN=app.session_token)
    assert granted.status_code == 200
    assert granted.json() == {"candidates": []}


@uses_probes
def test_api_lets_recruiters_without_totp_in_when_mfa_is_not_required(recruiter, api_as):
    assert api_as(recruiter).get("/probe/candidate-data").status_code == 200


@uses_probes
@pytest.mark.parametrize(
    ("persona", "candidate_data", "own_data"),
    [
        ("anonymous", 401, 401),
        ("candidate", 403, 200),
        ("other_candidate", 403, 200),
        ("recruiter", 403, 403),  # no TOTP yet
        ("teammate", 403, 403),
        ("other_recruiter", 403, 403),
        ("staff", 403, 403),
    ],
)
def test_probe_endpoints_per_persona_with_mfa_required(
    require_mfa, persona, candidate_data, own_data, personas, api_as
):
    client = api_as(personas[persona])

    assert client.get("/probe/candidate-data").status_code == candidate_data
    assert client.get("/probe/own-data").status_code == own_data


@uses_probes
def test_recruiter_with_totp_reaches_candidate_data(require_mfa, recruiter, api_as):
    TOTP.activate(recruiter, generate_totp_secret())

    assert api_as(recruiter).get("/probe/candidate-data").status_code == 200


def test_app_login_with_totp_needs_the_code_before_a_session_token_works(
    require_mfa, recruiter, api
):
    secret = generate_totp_secret()
    TOTP.activate(recruiter, secret)
    app = HeadlessApp()

    status, body = app.post("/auth/login", {"email": recruiter.email, "password": PASSWORD})

    assert status == 401
    assert flow_ids(body) == ["mfa_authenticate"]
    assert api.get("/api/v1/me", HTTP_X_SESSION_TOKEN=app.session_token).status_code == 401

    status, body = app.post("/auth/2fa/authenticate", {"code": totp_code(secret)})

    assert status == 200, body
    me = api.get("/api/v1/me", HTTP_X_SESSION_TOKEN=app.session_token)
    assert me.json()["email"] == recruiter.email
