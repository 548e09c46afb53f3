"""Resume workflows: upload, the extract → parse → profile pipeline, retries, edits.

`upload` stores files and records rows, `pipeline` moves a resume through its statuses
(what the Celery tasks call), `profile` fills and edits the candidate's profile, `timing`
logs where each pipeline step spent its time.
"""

from resumes.services.pipeline import (
    extract_resume_text,
    fail_resume,
    parse_resume_text,
    reparse_resume,
    reprocess_resume,
    requeue_stuck_resumes,
    retry_resume,
)
from resumes.services.profile import (
    delete_resume,
    edit_profile,
    feeds_profile,
    set_primary_resume,
    update_profile_from_resume,
)
from resumes.services.upload import source_candidate, upload_resume

__all__ = [
    "delete_resume",
    "edit_profile",
    "extract_resume_text",
    "fail_resume",
    "feeds_profile",
    "parse_resume_text",
    "reparse_resume",
    "reprocess_resume",
    "requeue_stuck_resumes",
    "retry_resume",
    "set_primary_resume",
    "source_candidate",
    "update_profile_from_resume",
    "upload_resume",
]
