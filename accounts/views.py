"""Recruiter portal: dashboard, team and invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.access import recruiter_required
from accounts.forms import InvitationForm
from accounts.models import Invitation


@recruiter_required
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    return render(
        request,
        "portal/dashboard.html",
        {"company": membership.company, "membership": membership},
    )


@recruiter_required
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    company = membership.company
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not membership.can_manage_team:
            raise PermissionDenied("Only owners and admins invite teammates.")
        if form.is_valid():
            try:
                services.invite_member(
                    company=company,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except ValidationError as exc:
                form.add_error("email", exc)
            else:
                messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
                return redirect("portal:team")
    context = {
        "company": company,
        "membership": membership,
        "members": company.memberships.select_related("user").order_by("created_at"),
        "invitations": company.invitations.pending(),
        "form": form,
    }
    template = "portal/_team_members.html" if request.htmx else "portal/team.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation, token=token)
    if not request.user.is_authenticated:
        # Sign up (or in) with the invited address, then come back here.
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        try:
            services.accept_invitation(invitation=invitation, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Welcome to {invitation.company.name}.")
            return redirect("portal:dashboard")
    return render(request, "portal/accept_invitation.html", {"invitation": invitation})
