"""Fixtures for the auth tests: allauth's headless app client and a Cognito pool on moto.

`moto_server` (config/testing.py) runs moto on 127.0.0.1; every test gets its own user pool,
so tests stay independent without resetting moto.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from django.core import mail
from django.test import Client

from accounts.api.authentication import cognito_keys
from config.settings import cognito_providers

COGNITO_PASSWORD = "Cognito-Passw0rd!"
HOSTED_UI = "https://talentmatch-test.auth.us-east-1.amazoncognito.com"


class HeadlessApp:
    """A mobile app talking to allauth's headless `app` client: JSON in, session token out."""

    def __init__(self) -> None:
        self.client = Client()
        self.session_token: str | None = None

    def post(self, path: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        headers = {"X-Session-Token": self.session_token} if self.session_token else {}
        response = self.client.post(
            f"/_allauth/app/v1{path}", data, content_type="application/json", headers=headers
        )
        body = response.json()
        # allauth hands out (or renews) the session token in `meta` while a flow is pending.
        self.session_token = body.get("meta", {}).get("session_token", self.session_token)
        return response.status_code, body

    def get(self, path: str) -> tuple[int, dict[str, Any]]:
        headers = {"X-Session-Token": self.session_token} if self.session_token else {}
        response = self.client.get(f"/_allauth/app/v1{path}", headers=headers)
        return response.status_code, response.json()


@pytest.fixture
def headless_app() -> HeadlessApp:
    return HeadlessApp()


def last_email_code() -> str:
    """The verification code allauth mailed last (locmem outbox)."""
    body = mail.outbox[-1].body
    match = re.search(r"^\s*([A-Z0-9]{4,}(?:-[A-Z0-9]{4,})*)\s*$", body, re.MULTILINE)
    assert match, body
    return match.group(1)


def flow_ids(body: dict[str, Any], *, pending: bool = True) -> list[str]:
    return [
        flow["id"]
        for flow in body.get("data", {}).get("flows", [])
        if flow.get("is_pending", False) is pending
    ]


@dataclass
class CognitoPool:
    """A Cognito user pool on moto, wired into settings as the project's pool."""

    endpoint: str
    pool_id: str
    client_id: str
    idp: Any  # boto3 cognito-idp client

    @property
    def url(self) -> str:
        # Where moto serves this pool's OpenID configuration and JWKS (COGNITO_ISSUER).
        return f"{self.endpoint}/{self.pool_id}"

    def add_user(self, email: str, *, given_name: str = "", verified: bool = True) -> None:
        attributes = [
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true" if verified else "false"},
        ]
        if given_name:
            attributes.append({"Name": "given_name", "Value": given_name})
        self.idp.admin_create_user(
            UserPoolId=self.pool_id,
            Username=email,
            UserAttributes=attributes,
            MessageAction="SUPPRESS",
        )
        self.idp.admin_set_user_password(
            UserPoolId=self.pool_id, Username=email, Password=COGNITO_PASSWORD, Permanent=True
        )

    def add_client(self, name: str) -> str:
        client = self.idp.create_user_pool_client(
            UserPoolId=self.pool_id,
            ClientName=name,
            ExplicitAuthFlows=["ADMIN_USER_PASSWORD_AUTH"],
            ReadAttributes=["email", "email_verified", "given_name", "family_name"],
        )
        return client["UserPoolClient"]["ClientId"]

    def sign_in(self, email: str, *, client_id: str | None = None) -> dict[str, str]:
        """Real RS256 tokens from moto: IdToken, AccessToken, RefreshToken."""
        result = self.idp.admin_initiate_auth(
            UserPoolId=self.pool_id,
            ClientId=client_id or self.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": COGNITO_PASSWORD},
        )
        return result["AuthenticationResult"]

    def expired_access_token(self, email: str) -> str:
        """An access token moto itself signs with an expiry in the past."""
        from moto.cognitoidp.models import cognitoidp_backends
        from moto.core import DEFAULT_ACCOUNT_ID

        pool = cognitoidp_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].user_pools[self.pool_id]
        token, _ = pool.create_jwt(self.client_id, email, "access", expires_in=-120)
        return token

    def sub(self, email: str) -> str:
        user = self.idp.admin_get_user(UserPoolId=self.pool_id, Username=email)
        return {a["Name"]: a["Value"] for a in user["UserAttributes"]}["sub"]


@pytest.fixture
def cognito(moto_server: str, settings) -> Iterator[CognitoPool]:
    """A fresh pool + app client on moto, with USE_COGNITO settings pointing at it."""
    idp = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=moto_server)
    pool_id = idp.create_user_pool(
        PoolName=f"talentmatch-{uuid.uuid4().hex[:8]}",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
    )["UserPool"]["Id"]
    pool = CognitoPool(endpoint=moto_server, pool_id=pool_id, client_id="", idp=idp)
    pool.client_id = pool.add_client("talentmatch-app")

    settings.USE_COGNITO = True
    settings.COGNITO_CLIENT_ID = pool.client_id
    settings.COGNITO_ISSUER = pool.url
    settings.SOCIALACCOUNT_PROVIDERS = cognito_providers(
        domain=HOSTED_UI, client_id=pool.client_id, secret="", issuer=pool.url
    )
    cognito_keys.cache_clear()
    yield pool
    cognito_keys.cache_clear()
