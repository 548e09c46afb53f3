"""`job_changed`: how apps to the right of jobs (matching) learn that a job changed.

jobs may not import matching (dependencies point one way), so it announces the change and
matching connects a receiver in its AppConfig.ready() (embed the job, recompute its matches).
Sent once the transaction that changed the job has committed, with ``job_id`` and ``fields``
(the names that changed; ``["status"]`` when it was published or closed).
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

job_changed = Signal()


def announce_job_change(*, job_id: int, fields: list[str]) -> None:
    transaction.on_commit(lambda: job_changed.send(sender=None, job_id=job_id, fields=list(fields)))
