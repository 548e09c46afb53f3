"""`record_event` is the one door into the event log; every app may call it."""

from __future__ import annotations

from typing import Any

from django.db import models

from analytics.models import Event


def record_event(
    *,
    kind: str,
    actor: Any = None,
    company: Any = None,
    subject: models.Model | None = None,
    payload: dict[str, Any] | None = None,
) -> Event:
    """Record that `kind` happened to `subject`, done by `actor`, within `company`.

    Written in the caller's transaction, so a rolled-back action leaves no event behind.
    """
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return Event.objects.create(
        kind=kind,
        actor=actor,
        company=company,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        payload=payload or {},
    )
