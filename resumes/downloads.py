"""Serving a stored resume: a short-lived presigned URL on S3, a stream from local disk.

Every download by someone other than the resume's owner (a recruiter, staff) is written to
the audit log, whichever view serves it.
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from analytics.audit import record_resume_access
from resumes.models import Resume


def download_response(resume: Resume) -> HttpResponse:
    record_resume_access(resume, action="resume.downloaded")
    storage = resume.file.storage
    disposition = content_disposition_header(True, resume.original_name)
    if not isinstance(storage, FileSystemStorage):
        # A private object store: the client fetches from it directly with a signed URL.
        url = storage.url(
            resume.file.name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": resume.content_type,
            },
        )
        response: HttpResponse = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            resume.file.open("rb"),
            as_attachment=True,
            filename=resume.original_name,
            content_type=resume.content_type,
        )
    response["Cache-Control"] = "private, no-store"
    return response
