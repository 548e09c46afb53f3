"""AWS clients for every integration: one factory, one idea of which failures are worth a retry.

Backends build their boto3 clients here (tests hand a backend a client wrapped in botocore's
Stubber, or point the endpoint at moto's server) and ask `is_transient` whether an error is
worth retrying with backoff or a permanent refusal to report to a person.
"""

from __future__ import annotations

from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

# Error codes AWS services answer when asking again later can succeed.
TRANSIENT_ERROR_CODES = frozenset(
    {
        "ThrottlingException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "LimitExceededException",
        "RequestTimeout",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalFailure",
        "InternalServerError",
        "InternalServerException",
        "ModelNotReadyException",
        "ModelTimeoutException",
    }
)


def client(
    service: str,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    read_timeout: int = 60,
) -> Any:
    """A boto3 client with bounded retries (our tasks retry with backoff on top of these)."""
    import boto3

    return boto3.client(
        service,
        region_name=region or settings.AWS_REGION,
        endpoint_url=endpoint_url or None,
        config=Config(retries={"max_attempts": 2, "mode": "standard"}, read_timeout=read_timeout),
    )


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code", "")
    return ""


def is_transient(exc: BaseException) -> bool:
    """Throttling, a busy or failing service, or no connection at all: try again later."""
    if isinstance(exc, ClientError):
        return error_code(exc) in TRANSIENT_ERROR_CODES
    return isinstance(exc, BotoCoreError)


def converse_text(client: Any, *, model_id: str, system: str, prompt: str, max_tokens: int) -> str:
    """One Bedrock Converse turn at temperature 0; the answer's text (botocore errors raise)."""
    response = client.converse(
        modelId=model_id,
        system=[{"text": system}],
        messages=[{"role": "user", "content": [{"text": prompt}]}],
        inferenceConfig={"maxTokens": max_tokens, "temperature": 0},
    )
    blocks = response.get("output", {}).get("message", {}).get("content", [])
    return "".join(block.get("text", "") for block in blocks if isinstance(block, dict))
