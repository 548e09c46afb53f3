"""The in-app inbox: unread counts and marking read."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from applications.models import Notification


def mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when `ids` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def unread_count(user: User) -> int:
    return Notification.objects.filter(Q(recipient=user) & Q(read_at__isnull=True)).count()
