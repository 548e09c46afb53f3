"""The boto3 clients of the AWS embeddings backends, built in one place so tests can pass theirs."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from config import aws
from matching.embeddings.base import EmbeddingError, TransientEmbeddingError


def make_client(service: str, *, region: str = "", endpoint_url: str = "") -> Any:
    return aws.client(service, region=region, endpoint_url=endpoint_url)


def translate(error: Exception) -> EmbeddingError:
    if isinstance(error, ClientError | BotoCoreError):
        kind = TransientEmbeddingError if aws.is_transient(error) else EmbeddingError
        code = aws.error_code(error)
        return kind(f"{code}: {error}" if code else str(error))
    return EmbeddingError(str(error))
