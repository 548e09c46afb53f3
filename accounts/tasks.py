from __future__ import annotations

from celery import shared_task

from accounts import services
from accounts.models import Invitation


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("company", "invited_by").filter(pk=invitation_id)
    if (found := invitation.first()) is not None:
        services.send_invitation(invitation=found)
