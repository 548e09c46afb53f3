from __future__ import annotations

import hashlib
import uuid

from django.core.files.base import ContentFile

from resumes.models import Resume
from resumes.tests import documents


def make_resume(*, owner, company=None, status=Resume.Status.PARSED, data: bytes | None = None,
                **fields) -> Resume:  # fmt: skip
    """A stored resume row (no processing) for ownership and listing tests."""
    data = data if data is not None else documents.sample_pdf() + uuid.uuid4().bytes
    resume = Resume(
        owner=owner,
        uploaded_by=owner,
        company=company,
        original_name=fields.pop("original_name", "resume.pdf"),
        kind=fields.pop("kind", Resume.Kind.PDF),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        status=status,
        **fields,
    )
    resume.file.save("upload", ContentFile(data), save=False)
    resume.save()
    return resume
