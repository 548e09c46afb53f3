"""The only place allauth is customised (account, social account and headless adapters)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.headless.adapter import DefaultHeadlessAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        if getattr(user, "is_staff", False) and not getattr(user, "is_recruiter", False):
            return "/admin/"
        return super().get_login_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: Any) -> bool:
        # Cognito has already verified the address; sign up without a second form.
        return True


class HeadlessAdapter(DefaultHeadlessAdapter):
    def serialize_user(self, user: Any) -> dict[str, Any]:
        data = super().serialize_user(user)
        data["role"] = user.role
        return data
