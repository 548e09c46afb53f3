"""Company and team workflows."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Company, Invitation, Membership, User
from analytics.services import record_event


@transaction.atomic
def invite_member(*, company: Company, email: str, role: str, invited_by: User) -> Invitation:
    email = email.strip().lower()
    inviter = Membership.objects.filter(company=company, user=invited_by).first()
    if inviter is None or not inviter.can_manage_team:
        raise PermissionDenied("Only owners and admins of the company invite teammates.")
    if role == Membership.Role.OWNER and inviter.role != Membership.Role.OWNER:
        raise PermissionDenied("Only an owner may invite another owner.")
    if Membership.objects.filter(company=company, user__email__iexact=email).exists():
        raise ValidationError(f"{email} is already a member of {company}.")
    invitation = Invitation.objects.create(
        company=company, email=email, role=role, invited_by=invited_by
    )
    from accounts.tasks import send_invitation_email

    send_invitation_email.delay_on_commit(invitation.pk)
    record_event(
        kind="invitation.sent",
        actor=invited_by,
        company=company,
        subject=invitation,
        payload={"email": email, "role": role},
    )
    return invitation


def send_invitation(*, invitation: Invitation) -> None:
    """Email the invitation link (called by the task, after the invitation is committed)."""
    if not invitation.is_usable:
        return
    link = settings.SITE_URL + reverse("portal:accept_invitation", args=[invitation.token])
    inviter = invitation.invited_by.email if invitation.invited_by else "A teammate"
    send_mail(
        subject=f"Join {invitation.company.name} on Talentmatch",
        message=(
            f"{inviter} invited you to recruit for {invitation.company.name} on Talentmatch.\n\n"
            f"Accept the invitation: {link}\n\nThe link expires on "
            f"{invitation.expires_at:%Y-%m-%d}.\n"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """Attach `user` to the invitation's company. The address must match the invitation."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError("This invitation has expired or was already used.")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation is for {invitation.email}; sign in with that address."
        )
    membership, _ = Membership.objects.get_or_create(
        user=user, company=invitation.company, defaults={"role": invitation.role}
    )
    if user.role == User.Role.CANDIDATE:
        user.role = User.Role.RECRUITER
        user.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(
        kind="invitation.accepted", actor=user, company=invitation.company, subject=membership
    )
    return membership
