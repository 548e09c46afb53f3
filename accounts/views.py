"""Recruiter portal: dashboard, team and invitations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.access import recruiter_required
from accounts.forms import InvitationForm
from accounts.models import Invitation, Membership


@recruiter_required
def dashboard(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    company = membership.company
    return render(
        request,
        "portal/dashboard.html",
        {
            "company": company,
            "membership": membership,
            "member_count": company.memberships.count(),
            "pending_invitation_count": company.invitations.pending().count(),
        },
    )


@recruiter_required
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest) -> HttpResponse:
    """Members and pending invitations; owners and admins invite from here.

    The invite form posts with htmx and gets back only the `#team` fragment (members, pending
    invitations and a fresh form); without JavaScript it posts, redirects and re-renders.
    """
    membership: Membership = request.membership  # type: ignore[attr-defined]
    company = membership.company
    form = InvitationForm(request.POST or None, inviter=membership)
    notice = ""
    if request.method == "POST":
        if not membership.can_manage_team:
            raise PermissionDenied("Only owners and admins invite teammates.")
        if form.is_valid():
            try:
                invitation = services.invite_member(
                    company=company,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except ValidationError as exc:
                form.add_error("email", exc)
            else:
                notice = f"Invitation sent to {invitation.email}."
                if not request.htmx:  # type: ignore[attr-defined]
                    messages.success(request, notice)
                    return redirect("portal:team")
                form = InvitationForm(inviter=membership)
    context = {
        "company": company,
        "membership": membership,
        "members": company.memberships.select_related("user").order_by("created_at"),
        "invitations": company.invitations.pending().select_related("invited_by"),
        "form": form,
        "notice": notice,
    }
    template = "portal/_team.html" if request.htmx else "portal/team.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. Signed-out invitees sign up or log in, then come back here."""
    invitation = get_object_or_404(Invitation.objects.select_related("company"), token=token)
    user = request.user
    is_invitee = user.is_authenticated and user.email.lower() == invitation.email.lower()
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect("portal:accept_invitation", token=token)
        if not is_invitee:
            raise PermissionDenied("This invitation is for another address.")
        try:
            services.accept_invitation(invitation=invitation, user=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Welcome to {invitation.company.name}.")
            return redirect("portal:dashboard")
    return render(
        request,
        "portal/accept_invitation.html",
        {"invitation": invitation, "is_invitee": is_invitee, "next": request.path},
    )
