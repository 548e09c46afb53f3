"""How the API's authentication classes appear in the OpenAPI schema.

drf-spectacular registers an extension when its class is defined, so `AccountsConfig.ready()`
imports this module. Without them `spectacular --fail-on-warn` fails on every view.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": "Session token from allauth headless (`/_allauth/app/v1/auth/...`).",
        }


class CognitoAccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.CognitoAccessTokenAuthentication"
    name = "cognitoAccessToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition = build_bearer_security_scheme_object(
            header_name="AUTHORIZATION", token_prefix="Bearer", bearer_format="JWT"
        )
        definition["description"] = "Amazon Cognito access token (when Cognito is enabled)."
        return definition
