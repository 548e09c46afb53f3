"""Who may call an endpoint. Later apps combine these: candidate data needs
`[IsRecruiter, RecruiterMfaSatisfied]`; a candidate's own resources need `[IsCandidate]`."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.access import needs_mfa


class IsCandidate(BasePermission):
    message = "This endpoint is for candidates."
    code = "not_a_candidate"

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_authenticated and request.user.is_candidate)


class IsRecruiter(BasePermission):
    """A recruiter of at least one company."""

    message = "This endpoint is for recruiters of a company."
    code = "not_a_recruiter"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user.is_authenticated and user.is_recruiter and user.memberships.exists())


class RecruiterMfaSatisfied(BasePermission):
    """Refuses recruiters without a second factor while REQUIRE_RECRUITER_MFA is on.

    Other users pass: pair it with IsRecruiter (or IsCandidate) to say who may call at all.
    """

    message = "Set up two-factor authentication (TOTP) before viewing candidate data."
    code = "mfa_required"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user.is_authenticated or not user.is_recruiter:
            return True
        return not needs_mfa(user)
