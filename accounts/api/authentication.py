"""API authentication: allauth app session tokens and Amazon Cognito access tokens.

A request without credentials must answer 401 (with a WWW-Authenticate header), so the
first class here defines ``authenticate_header``.
"""

from __future__ import annotations

import functools
from typing import Any

import jwt
from allauth.headless.contrib.rest_framework.authentication import (
    XSessionTokenAuthentication,
)
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request


@functools.cache
def _jwks_client(issuer: str) -> jwt.PyJWKClient:
    # PyJWKClient caches the key set and refetches it when an unknown `kid` shows up.
    return jwt.PyJWKClient(f"{issuer}/.well-known/jwks.json", cache_keys=True, lifespan=3600)


class CognitoAccessTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <Cognito access token>`, verified against the pool's JWKS."""

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
        token = parts[1].decode()
        claims = self.verify(token)
        return self.user_for(claims), claims

    def verify(self, token: str) -> dict[str, Any]:
        issuer = settings.COGNITO_ISSUER
        try:
            key = _jwks_client(issuer).get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                issuer=issuer,
                options={"require": ["exp", "iss", "sub", "token_use"]},
            )
        except jwt.PyJWKClientError as exc:
            raise exceptions.AuthenticationFailed("Token signing key not found.") from exc
        except jwt.InvalidTokenError as exc:
            raise exceptions.AuthenticationFailed(f"Invalid token: {exc}") from exc
        if claims.get("token_use") != "access":
            raise exceptions.AuthenticationFailed("An access token is required.")
        if claims.get("client_id") != settings.COGNITO_CLIENT_ID:
            raise exceptions.AuthenticationFailed("Token was issued to another client.")
        return claims

    def user_for(self, claims: dict[str, Any]) -> Any:
        """The user linked to this Cognito subject (created on first sight as a candidate)."""
        from allauth.socialaccount.models import SocialAccount

        sub = claims["sub"]
        account = (
            SocialAccount.objects.select_related("user")
            .filter(provider__in=["cognito", "amazon_cognito"], uid=sub)
            .first()
        )
        if account is not None:
            user = account.user
        else:
            username = claims.get("username") or claims.get("cognito:username") or sub
            email = username if "@" in username else ""
            if not email:
                raise exceptions.AuthenticationFailed(
                    "No account is linked to this Cognito user yet; sign in once with the id token."
                )
            User = get_user_model()
            with transaction.atomic():
                user, _ = User.objects.get_or_create(email=email.lower())
                SocialAccount.objects.get_or_create(
                    provider="cognito", uid=sub, defaults={"user": user}
                )
        if not user.is_active:
            raise exceptions.AuthenticationFailed("This account is disabled.")
        return user


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth headless app session token (`X-Session-Token`)."""
