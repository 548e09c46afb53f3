"""The boto3 clients of the AWS embeddings backends, built in one place so tests can pass theirs."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from matching.embeddings.base import EmbeddingError, TransientEmbeddingError

# Error codes worth a retry; anything else (validation, access denied, missing model) is permanent.
TRANSIENT_CODES = {
    "ThrottlingException",
    "ServiceUnavailableException",
    "ModelNotReadyException",
    "ModelTimeoutException",
    "InternalServerException",
    "InternalFailure",
    "ServiceUnavailable",
}


def make_client(service: str, *, region: str = "", endpoint_url: str = "") -> Any:
    import boto3

    return boto3.client(service, region_name=region or None, endpoint_url=endpoint_url or None)


def translate(error: Exception) -> EmbeddingError:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        kind = TransientEmbeddingError if code in TRANSIENT_CODES else EmbeddingError
        return kind(f"{code}: {error}")
    if isinstance(error, BotoCoreError):
        return TransientEmbeddingError(str(error))
    return EmbeddingError(str(error))
