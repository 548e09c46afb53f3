"""The only place allauth is customised (account, social account and headless adapters)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.headless.adapter import DefaultHeadlessAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest

from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def new_user(self, request: HttpRequest) -> User:
        # Everyone who signs up (email or Cognito) is a candidate; recruiters join a company
        # through an invitation and staff are made by staff.
        user = super().new_user(request)
        user.role = User.Role.CANDIDATE
        return user

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        if getattr(user, "is_staff", False) and not getattr(user, "is_recruiter", False):
            return "/admin/"
        return super().get_login_redirect_url(request)


def as_bool(value: object) -> bool:
    """Cognito's userInfo (and moto's tokens) say `"true"`; its id tokens say `true`."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Cognito (hosted UI or id_token) signs in, or signs up, without a second form."""

    def authenticate_by_email(self, sociallogin: Any) -> tuple[Any, str] | None:
        # Runs before pre_social_login: a `"false"` string must not count as verified here.
        self._clean_verified_flags(sociallogin)
        return super().authenticate_by_email(sociallogin)

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        self._clean_verified_flags(sociallogin)
        super().pre_social_login(request, sociallogin)

    @staticmethod
    def _clean_verified_flags(sociallogin: Any) -> None:
        # openid_connect copies `email_verified` as given; a string would be truthy here and
        # fail to save in a BooleanField.
        for address in sociallogin.email_addresses:
            address.verified = as_bool(address.verified)


class HeadlessAdapter(DefaultHeadlessAdapter):
    def serialize_user(self, user: Any) -> dict[str, Any]:
        data = super().serialize_user(user)
        data["role"] = user.role
        return data
