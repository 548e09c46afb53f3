"""`profile_updated`: how apps to the right of resumes (matching) learn of profile changes.

resumes may not import matching (dependencies point one way), so it announces the change and
matching connects a receiver in its AppConfig.ready() (embed the profile, recompute matches).
Sent once the transaction that changed the profile has committed, with ``profile_id``,
``user_id`` and ``fields`` (the names that changed).
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

profile_updated = Signal()


def announce_profile_update(*, profile_id: int, user_id: int, fields: list[str]) -> None:
    transaction.on_commit(
        lambda: profile_updated.send(
            sender=None, profile_id=profile_id, user_id=user_id, fields=list(fields)
        )
    )
