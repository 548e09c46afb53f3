"""Who may see portal pages: recruiters of a company (with a second factor when required)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.models import Membership


def needs_mfa(user: Any) -> bool:
    """True when a recruiter must enrol a second factor before seeing candidate data."""
    if not settings.REQUIRE_RECRUITER_MFA:
        return False
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    # Recovery codes alone are not a second factor: a TOTP (or WebAuthn) device is.
    return not is_mfa_enabled(user, types=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])


def recruiter_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, member of a company, MFA enrolled if required; sets `request.membership`."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = (
            Membership.objects.select_related("company")
            .filter(user=request.user)
            .order_by("created_at")
            .first()
        )
        if membership is None:
            raise PermissionDenied("The portal is for recruiters of a company.")
        if needs_mfa(request.user):
            return redirect("mfa_activate_totp")
        request.membership = membership  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
