"""Files on S3 (USE_S3): the storage settings.py builds, against moto's S3 on 127.0.0.1."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage

from config.settings import s3_storage_options

pytestmark = pytest.mark.slow

RESUME_BYTES = b"%PDF-1.7 not really a resume"


@pytest.fixture
def bucket(moto_reset) -> str:
    name = f"talentmatch-media-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", endpoint_url=moto_reset, region_name="us-east-1").create_bucket(Bucket=name)
    return name


def use_s3(settings, *, bucket: str, endpoint_url: str) -> Storage:
    """Switch the default storage the way USE_S3 does in settings.py."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_storage_options(
                bucket_name=bucket, region_name="us-east-1", endpoint_url=endpoint_url
            ),
        },
    }
    return default_storage


@pytest.fixture
def s3_storage(settings, moto_reset, bucket) -> Storage:
    return use_s3(settings, bucket=bucket, endpoint_url=moto_reset)


def test_a_file_saved_on_s3_reads_back(s3_storage):
    name = s3_storage.save("resumes/alice.pdf", ContentFile(RESUME_BYTES))
    with s3_storage.open(name) as stored:
        assert stored.read() == RESUME_BYTES
    # file_overwrite=False: a second upload under the same name never replaces the first.
    assert s3_storage.save("resumes/alice.pdf", ContentFile(b"other")) != name


def test_an_object_on_s3_is_private(s3_storage, moto_reset, bucket):
    name = s3_storage.save("resumes/private.pdf", ContentFile(RESUME_BYTES))
    grants = boto3.client("s3", endpoint_url=moto_reset).get_object_acl(Bucket=bucket, Key=name)
    assert [grant["Permission"] for grant in grants["Grants"]] == ["FULL_CONTROL"]
    assert grants["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"  # the owner, not AllUsers
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{moto_reset}/{bucket}/{name}", timeout=5)
    assert refused.value.code == 403


def test_a_presigned_url_is_sigv4_short_lived_and_downloads_the_object(s3_storage):
    name = s3_storage.save("resumes/signed.pdf", ContentFile(RESUME_BYTES))
    url = s3_storage.url(name)
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["300"]
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == RESUME_BYTES


@pytest.mark.django_db
def test_readyz_checks_the_s3_storage(client, s3_storage):
    response = client.get("/readyz")
    assert response.json()["checks"]["storage"] == "ok"


@pytest.mark.django_db
def test_readyz_reports_a_missing_bucket(client, settings, moto_reset):
    use_s3(settings, bucket="talentmatch-no-such-bucket", endpoint_url=moto_reset)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("error")
