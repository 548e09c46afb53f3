"""Serving a stored resume: a short-lived presigned URL on S3, a stream from local disk."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from resumes.models import Resume


def download_response(resume: Resume) -> HttpResponse:
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
