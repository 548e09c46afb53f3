"""Amazon Cognito, offline: moto's user pool on 127.0.0.1 signs real RS256 tokens and serves the
pool's OpenID configuration and JWKS, which the project fetches over HTTP like on AWS.

- mobile: the app posts the Cognito id_token to allauth's headless provider-token endpoint;
- API: `Authorization: Bearer <access token>` on /api/v1/;
- portal: allauth's amazon_cognito hosted-UI callback, the hosted UI answered by `responses`.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import responses
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.core import mail

from accounts.adapters import as_bool
from accounts.api.authentication import cognito_keys
from accounts.models import User
from accounts.tests.conftest import HOSTED_UI, CognitoPool, HeadlessApp, flow_ids

pytestmark = pytest.mark.django_db


def sign_in_with_id_token(app: HeadlessApp, id_token: str, client_id: str):
    return app.post(
        "/auth/provider/token",
        {
            "provider": "cognito",
            "process": "login",
            "token": {"client_id": client_id, "id_token": id_token},
        },
    )


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def erin(cognito: CognitoPool) -> dict[str, str]:
    """A Cognito user who has signed in once on the mobile app (so her account is linked)."""
    cognito.add_user("erin@example.test", given_name="Erin")
    tokens = cognito.sign_in("erin@example.test")
    status, _ = sign_in_with_id_token(HeadlessApp(), tokens["IdToken"], cognito.client_id)
    assert status == 200
    return tokens


# --- Mobile: id_token → allauth session token ------------------------------------------------


def test_mobile_app_signs_up_with_a_cognito_id_token_and_calls_the_api(cognito, api):
    cognito.add_user("erin@example.test", given_name="Erin")
    tokens = cognito.sign_in("erin@example.test")
    app = HeadlessApp()

    status, body = sign_in_with_id_token(app, tokens["IdToken"], cognito.client_id)

    assert status == 200, body
    assert body["meta"]["is_authenticated"] is True
    assert body["data"]["user"]["role"] == "candidate"
    user = User.objects.get(email="erin@example.test")
    assert user.role == User.Role.CANDIDATE
    assert user.first_name == "Erin"
    assert SocialAccount.objects.get(user=user).uid == cognito.sub("erin@example.test")
    # moto says email_verified "true" (a string): it still counts as verified.
    assert EmailAddress.objects.get(user=user).verified is True

    response = api.get("/api/v1/me", HTTP_X_SESSION_TOKEN=app.session_token)
    assert response.status_code == 200
    assert response.json()["email"] == "erin@example.test"


def test_cognito_sign_in_attaches_to_the_account_with_the_same_verified_email(
    cognito, candidate, api
):
    cognito.add_user(candidate.email)
    app = HeadlessApp()

    status, _ = sign_in_with_id_token(
        app, cognito.sign_in(candidate.email)["IdToken"], cognito.client_id
    )

    assert status == 200
    assert User.objects.filter(email=candidate.email).count() == 1
    assert SocialAccount.objects.get(provider="cognito").user == candidate
    me = api.get("/api/v1/me", HTTP_X_SESSION_TOKEN=app.session_token).json()
    assert me["id"] == candidate.id


def test_unverified_cognito_email_does_not_take_over_an_existing_account(cognito, candidate):
    cognito.add_user(candidate.email, verified=False)
    app = HeadlessApp()

    status, body = sign_in_with_id_token(
        app, cognito.sign_in(candidate.email)["IdToken"], cognito.client_id
    )

    # allauth prevents enumeration: it looks like a pending verification to the app and
    # mails the owner that an account already exists; nothing is linked or created.
    assert status == 401
    assert body["meta"]["is_authenticated"] is False
    assert flow_ids(body) == ["verify_email"]
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(email=candidate.email).count() == 1
    assert mail.outbox[-1].to == [candidate.email]


def test_a_replayed_id_token_is_refused(cognito):
    cognito.add_user("erin@example.test")
    id_token = cognito.sign_in("erin@example.test")["IdToken"]
    assert sign_in_with_id_token(HeadlessApp(), id_token, cognito.client_id)[0] == 200

    status, body = sign_in_with_id_token(HeadlessApp(), id_token, cognito.client_id)

    assert status == 400
    assert body["errors"][0]["code"] == "invalid_token"


def test_an_id_token_issued_to_another_client_is_refused(cognito):
    cognito.add_user("erin@example.test")
    other_client = cognito.add_client("someone-elses-app")
    id_token = cognito.sign_in("erin@example.test", client_id=other_client)["IdToken"]

    status, _ = sign_in_with_id_token(HeadlessApp(), id_token, cognito.client_id)

    assert status == 400
    assert not User.objects.filter(email="erin@example.test").exists()


# --- API: Bearer access tokens ------------------------------------------------------------------


def test_bearer_access_token_authenticates_the_linked_user(erin, api):
    response = api.get("/api/v1/me", **bearer(erin["AccessToken"]))

    assert response.status_code == 200
    assert response.json()["email"] == "erin@example.test"


def test_bearer_access_token_can_be_used_again_and_keys_are_fetched_once(erin, api):
    # Unlike id tokens at the sign-in endpoint, access tokens are meant for many requests.
    for _ in range(3):
        assert api.get("/api/v1/me", **bearer(erin["AccessToken"])).status_code == 200

    assert cognito_keys.cache_info().misses == 1


@pytest.mark.parametrize(
    "which",
    ["expired", "garbage", "other_client", "id_token", "unsigned", "unlinked_user"],
)
def test_bad_bearer_tokens_answer_401_with_the_error_shape(which, cognito, erin, api):
    if which == "expired":
        token = cognito.expired_access_token("erin@example.test")
    elif which == "garbage":
        token = "not-a-jwt"
    elif which == "other_client":
        other_client = cognito.add_client("someone-elses-app")
        token = cognito.sign_in("erin@example.test", client_id=other_client)["AccessToken"]
    elif which == "id_token":
        token = erin["IdToken"]
    elif which == "unsigned":
        header, payload, _ = erin["AccessToken"].split(".")
        token = f"{header}.{payload}.c2lnbmF0dXJl"
    else:  # a real access token for a Cognito user who never signed in here
        cognito.add_user("frank@example.test")
        token = cognito.sign_in("frank@example.test")["AccessToken"]

    response = api.get("/api/v1/me", **bearer(token))

    assert response.status_code == 401
    assert set(response.json()["error"]) >= {"code", "message"}
    assert response.json()["error"]["code"] == "authentication_failed"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_bearer_tokens_are_refused_when_cognito_is_off(erin, api, settings):
    settings.USE_COGNITO = False

    response = api.get("/api/v1/me", **bearer(erin["AccessToken"]))

    assert response.status_code == 401


def test_unreachable_identity_provider_answers_503_not_401(erin, api, settings):
    settings.COGNITO_ISSUER = "http://127.0.0.1:9/no-such-pool"  # discard port: refused
    cognito_keys.cache_clear()

    response = api.get("/api/v1/me", **bearer(erin["AccessToken"]))

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "identity_provider_unavailable"


def test_session_token_and_bearer_token_work_side_by_side(erin, candidate, api, headless_app):
    # carol signs in by email on the app while Cognito is on: the Bearer scheme ignores her
    # X-Session-Token, and the session-token scheme ignores erin's Bearer header.
    status, _ = headless_app.post(
        "/auth/login", {"email": candidate.email, "password": "correct horse battery staple"}
    )
    assert status == 200

    by_session = api.get("/api/v1/me", HTTP_X_SESSION_TOKEN=headless_app.session_token)
    by_bearer = api.get("/api/v1/me", **bearer(erin["AccessToken"]))

    assert by_session.json()["email"] == candidate.email
    assert by_bearer.json()["email"] == "erin@example.test"


# --- Portal: amazon_cognito hosted UI ------------------------------------------------------------


def hosted_ui_login(client, cognito: CognitoPool, email: str, tokens: dict[str, str]):
    """Drive allauth's amazon_cognito flow; `responses` plays the hosted UI's token and
    userInfo endpoints (moto's real tokens in them). Returns the callback's response."""
    sub = cognito.sub(email)
    token_call = responses.post(
        f"{HOSTED_UI}/oauth2/token",
        json={
            "access_token": tokens["AccessToken"],
            "id_token": tokens["IdToken"],
            "refresh_token": tokens["RefreshToken"],
            "token_type": "Bearer",
            "expires_in": 3600,
        },
    )
    # Cognito's userInfo endpoint answers booleans as strings.
    responses.get(
        f"{HOSTED_UI}/oauth2/userInfo",
        json={"sub": sub, "email": email, "email_verified": "true", "username": sub},
    )
    responses.add_passthru(cognito.endpoint)  # moto itself stays reachable

    start = client.post("/accounts/amazon-cognito/login/")
    assert start.status_code == 302
    authorize = urlparse(start["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == (
        f"{HOSTED_UI}/oauth2/authorize"
    )
    query = parse_qs(authorize.query)
    assert query["client_id"] == [cognito.client_id]

    callback = client.get(
        "/accounts/amazon-cognito/login/callback/",
        {"code": "hosted-ui-code", "state": query["state"][0]},
    )
    assert "code=hosted-ui-code" in token_call.calls[0].request.body
    return callback


@responses.activate
def test_portal_login_through_the_hosted_ui_ends_in_a_signed_in_session(cognito, client, api):
    cognito.add_user("grace@example.test")
    tokens = cognito.sign_in("grace@example.test")

    callback = hosted_ui_login(client, cognito, "grace@example.test", tokens)

    assert callback.status_code == 302, callback.content
    user = User.objects.get(email="grace@example.test")
    assert int(client.session[SESSION_KEY]) == user.pk
    assert user.role == User.Role.CANDIDATE
    account = SocialAccount.objects.get(user=user, provider="amazon_cognito")
    assert account.uid == cognito.sub("grace@example.test")
    assert EmailAddress.objects.get(user=user).verified is True
    # The same Cognito subject may now call the API with its access token.
    assert api.get("/api/v1/me", **bearer(tokens["AccessToken"])).json()["id"] == user.pk


@responses.activate
def test_recruiter_signs_in_to_the_portal_through_the_hosted_ui(cognito, client, recruiter):
    cognito.add_user(recruiter.email)

    callback = hosted_ui_login(client, cognito, recruiter.email, cognito.sign_in(recruiter.email))

    assert callback["Location"] == "/portal/"
    assert int(client.session[SESSION_KEY]) == recruiter.pk
    assert b"Acme Robotics" in client.get("/portal/").content


@pytest.mark.parametrize(
    ("claim", "verified"),
    [(True, True), ("true", True), ("True", True), (False, False), ("false", False), (None, False)],
)
def test_email_verified_is_read_from_booleans_and_strings(claim, verified):
    assert as_bool(claim) is verified
