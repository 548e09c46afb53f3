"""Who wants what on which channel, and consent to SMS (time, source, withdrawal)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.models import (
    CANDIDATE_KINDS,
    RECRUITER_KINDS,
    Channel,
    Kind,
    NotificationPreference,
    SmsConsent,
)


def kinds_for(user: User) -> list[str]:
    """The kinds `user` can receive: a candidate's about their applications, a recruiter's
    about the jobs they hire for; staff (who may be both) see every kind."""
    if user.is_candidate:
        return list(CANDIDATE_KINDS)
    if user.is_recruiter:
        return list(RECRUITER_KINDS)
    return list(Kind.values)


def wants(user: User, *, kind: str, channel: str) -> bool:
    pref = NotificationPreference.objects.filter(user=user, kind=kind, channel=channel).first()
    return pref.enabled if pref else NotificationPreference.DEFAULTS[channel]


def preferences_of(user: User, *, kinds: Iterable[str] | None = None) -> dict[str, dict[str, bool]]:
    """`{kind: {channel: enabled}}` for `kinds` (every kind by default), defaults filled in."""
    stored = {
        (p.kind, p.channel): p.enabled for p in NotificationPreference.objects.filter(user=user)
    }
    return {
        kind: {
            channel: stored.get((kind, channel), NotificationPreference.DEFAULTS[channel])
            for channel in Channel.values
        }
        for kind in (Kind.values if kinds is None else kinds)
    }


@transaction.atomic
def set_preferences(*, user: User, changes: Mapping[str, Mapping[str, bool]]) -> None:
    allowed = kinds_for(user)
    for kind, channels in changes.items():
        if kind not in allowed:
            raise ValidationError(f"Unknown notification kind: {kind}")
        for channel, enabled in channels.items():
            if channel not in Channel.values:
                raise ValidationError(f"Unknown channel: {channel}")
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, channel=channel, defaults={"enabled": bool(enabled)}
            )


E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def active_consent(user: User) -> SmsConsent | None:
    return SmsConsent.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def grant_sms_consent(
    *, user: User, phone: str, source: str, ip_address: str | None = None
) -> SmsConsent:
    phone = phone.replace(" ", "")
    if not E164.match(phone):
        raise ValidationError("Give the phone number in international format, e.g. +4915112345678.")
    SmsConsent.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return SmsConsent.objects.create(
        user=user, phone=phone, source=source, granted_at=timezone.now(), ip_address=ip_address
    )


def revoke_sms_consent(*, user: User) -> int:
    return SmsConsent.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
