"""API authentication: allauth app session tokens and Amazon Cognito access tokens.

The two schemes read different headers (``X-Session-Token`` and ``Authorization: Bearer``), so
neither ever sees, or rejects, the other's credential. A request without credentials must
answer 401 (with a WWW-Authenticate header), so the first class here defines
``authenticate_header``; DRF asks only the first class for it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from allauth.headless.contrib.rest_framework.authentication import (
    XSessionTokenAuthentication,
)
from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

# The provider ids a Cognito subject is linked under: the mobile OpenID Connect app and the
# portal's hosted UI (the same user pool, so the same `sub`).
COGNITO_PROVIDERS = ("cognito", "amazon_cognito")


class IdentityProviderUnavailable(exceptions.APIException):
    """Cognito's keys could not be fetched: the client may retry; its token may be fine."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The identity provider cannot be reached; try again shortly."
    default_code = "identity_provider_unavailable"


@dataclass(frozen=True)
class CognitoKeys:
    issuer: str
    jwks: jwt.PyJWKClient


@functools.cache
def cognito_keys(pool_url: str) -> CognitoKeys:
    """The pool's issuer and signing keys, read once from its OpenID configuration.

    Cached per process: PyJWKClient keeps the key set and refetches it when a token names an
    unknown `kid` (key rotation). Failures are not cached. Tests call `cache_clear()`.
    """
    response = requests.get(f"{pool_url}/.well-known/openid-configuration", timeout=5)
    response.raise_for_status()
    config = response.json()
    return CognitoKeys(
        issuer=config["issuer"],
        jwks=jwt.PyJWKClient(config["jwks_uri"], cache_keys=True, lifespan=3600, timeout=5),
    )


class CognitoAccessTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <Cognito access token>`, verified against the pool's JWKS.

    Only users already linked to the Cognito subject are accepted: an account is linked when
    the user first signs in with Cognito (the id_token via the headless provider-token
    endpoint, or the portal's hosted UI). An access token carries no verified email, so it
    must never create or attach accounts by itself.
    """

    keyword = "Bearer"

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'

    def authenticate(self, request: Request) -> tuple[Any, dict[str, Any]] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Malformed Bearer header.")
        if not settings.USE_COGNITO:
            raise exceptions.AuthenticationFailed("Bearer tokens are not accepted here.")
        claims = self.verify(parts[1].decode(errors="replace"))
        return self.user_for(claims), claims

    def verify(self, token: str) -> dict[str, Any]:
        try:
            keys = cognito_keys(settings.COGNITO_ISSUER)
            signing_key = keys.jwks.get_signing_key_from_jwt(token)
        except (requests.RequestException, jwt.PyJWKClientConnectionError) as exc:
            raise IdentityProviderUnavailable() from exc
        except (jwt.PyJWKClientError, jwt.InvalidTokenError) as exc:
            # Garbage, or a token signed by a key this pool does not publish.
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        try:
            claims = jwt.decode(
                token,
                signing_key.key,
                algorithms=["RS256"],
                issuer=keys.issuer,
                options={"require": ["exp", "iss", "sub", "token_use"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise exceptions.AuthenticationFailed("Token has expired.") from exc
        except jwt.InvalidTokenError as exc:
            raise exceptions.AuthenticationFailed(f"Invalid token: {exc}") from exc
        if claims["token_use"] != "access":
            raise exceptions.AuthenticationFailed("An access token is required.")
        if claims.get("client_id") != settings.COGNITO_CLIENT_ID:
            raise exceptions.AuthenticationFailed("Token was issued to another client.")
        return claims

    def user_for(self, claims: dict[str, Any]) -> Any:
        # Imported here: DRF may import this module while the app registry is still loading.
        from allauth.socialaccount.models import SocialAccount

        account = (
            SocialAccount.objects.select_related("user")
            .filter(provider__in=COGNITO_PROVIDERS, uid=claims["sub"])
            .first()
        )
        if account is None:
            raise exceptions.AuthenticationFailed(
                "No account is linked to this Cognito user yet: sign in once with Cognito."
            )
        if not account.user.is_active:
            raise exceptions.AuthenticationFailed("This account is disabled.")
        return account.user


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth headless app session token (`X-Session-Token`).

    allauth's class ignores an unknown token, which would answer "not authenticated"; an
    expired or made-up token answers "invalid token" instead so the app knows to sign in again.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        token = self.get_session_token(request)
        if not token:
            return None
        result = super().authenticate(request)
        if result is None:
            raise exceptions.AuthenticationFailed("Invalid or expired session token.")
        return result
