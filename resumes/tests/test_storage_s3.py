"""The S3 storage path (USE_S3's settings) against moto's server: private, signed, unguessable."""

from __future__ import annotations

import urllib.error
import urllib.request

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from resumes import services
from resumes.models import Resume
from resumes.tests import documents

pytestmark = pytest.mark.django_db
BUCKET = "talentmatch-resumes"


@pytest.fixture
def s3_storage(moto_reset, settings):
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=moto_reset)
    s3.create_bucket(Bucket=BUCKET)
    # The same OPTIONS as config/settings/services.py builds under USE_S3, pointed at moto.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "region_name": "us-east-1",
                "endpoint_url": moto_reset,
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
                "signature_version": "s3v4",
            },
        },
    }
    return s3


def fetch(url: str) -> tuple[int, bytes]:
    assert url.startswith("http://127.0.0.1:")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_an_upload_lands_privately_in_the_bucket_under_a_random_key(s3_storage, api_as, candidate):
    response = api_as(candidate).post(
        "/api/v1/resumes/",
        {"file": SimpleUploadedFile("Carol Secret CV.pdf", documents.sample_pdf())},
        format="multipart",
    )
    assert response.status_code == 202
    resume = Resume.objects.get()
    keys = [o["Key"] for o in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [resume.file.name]
    assert keys[0].startswith("resumes/") and "Carol" not in keys[0] and len(keys[0]) >= 40
    grants = s3_storage.get_object_acl(Bucket=BUCKET, Key=keys[0])["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner only
    # Anonymous, unsigned access is refused.
    status, _ = fetch(f"{s3_storage.meta.endpoint_url}/{BUCKET}/{keys[0]}")
    assert status == 403


def test_download_redirects_to_a_working_presigned_url(s3_storage, api_as, candidate):
    resume, _ = services.upload_resume(
        owner=candidate,
        file=SimpleUploadedFile("cv.pdf", documents.sample_pdf()),
        uploaded_by=candidate,
    )
    response = api_as(candidate).get(f"/api/v1/resumes/{resume.pk}/download/")
    assert response.status_code == 302
    url = response["Location"]
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    status, body = fetch(url)
    assert status == 200 and body == documents.sample_pdf()
    # (moto does not verify signatures, so a tampered URL cannot be tested here.)


def test_the_pipeline_reads_the_file_from_s3(s3_storage, candidate):
    resume, _ = services.upload_resume(
        owner=candidate,
        file=SimpleUploadedFile("cv.pdf", documents.sample_pdf()),
        uploaded_by=candidate,
    )
    services.extract_resume_text(resume_id=resume.pk)
    services.parse_resume_text(resume_id=resume.pk)
    resume.refresh_from_db()
    assert resume.status == "parsed"


def test_deleting_a_resume_deletes_the_object(
    s3_storage, candidate, django_capture_on_commit_callbacks
):
    resume, _ = services.upload_resume(
        owner=candidate,
        file=SimpleUploadedFile("cv.pdf", documents.sample_pdf()),
        uploaded_by=candidate,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_resume(resume=resume, actor=candidate)
    assert s3_storage.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
