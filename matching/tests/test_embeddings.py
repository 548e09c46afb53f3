"""The embeddings backends: the real local model, and the AWS ones through botocore's Stubber."""

from __future__ import annotations

import io
import json
import math

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from django.test import override_settings

from matching.embeddings import EmbeddingError, TransientEmbeddingError, get_embedder
from matching.embeddings.bedrock import BedrockEmbedder
from matching.embeddings.local import LocalEmbedder
from matching.embeddings.sagemaker import SageMakerEmbedder


def dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def stream(payload: object) -> StreamingBody:
    raw = json.dumps(payload).encode()
    return StreamingBody(io.BytesIO(raw), len(raw))


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


# --- local ---------------------------------------------------------------------------------


def test_local_vectors_are_unit_length_and_record_the_model(local_embedder: LocalEmbedder) -> None:
    [vector] = local_embedder.embed(["Python developer building Django web applications"])
    assert len(vector) == local_embedder.dimension == 384
    assert math.isclose(dot(vector, vector), 1.0, rel_tol=1e-5)
    assert local_embedder.model_id == "sentence-transformers/all-MiniLM-L6-v2"


def test_local_similar_texts_are_closer_than_unrelated_ones(local_embedder: LocalEmbedder) -> None:
    job, close, far = local_embedder.embed(
        [
            "Backend engineer: Python, Django, PostgreSQL, REST APIs",
            "I build web services in Python with Django and Postgres",
            "Pastry chef with ten years in French bakeries",
        ]
    )
    assert dot(job, close) > dot(job, far) + 0.2


def test_local_long_texts_are_chunked_and_pooled(local_embedder: LocalEmbedder) -> None:
    paragraph = "Designed distributed data pipelines in Scala and Spark for analytics. "
    long_text = paragraph * 80  # ~1,000 word pieces: four windows of 254
    chunks = local_embedder.chunks(long_text)
    assert len(chunks) >= 4
    assert all(0 < pieces <= local_embedder.max_tokens for _, pieces in chunks)
    assert all(text in long_text for text, _ in chunks)
    assert chunks[0][0].startswith("Designed") and long_text.rstrip().endswith(chunks[-1][0])
    [pooled], [single] = local_embedder.embed([long_text]), local_embedder.embed([paragraph])
    assert math.isclose(dot(pooled, pooled), 1.0, rel_tol=1e-5)
    assert dot(pooled, single) > 0.85  # the pooled vector still means the repeated paragraph


def test_local_pooling_keeps_what_the_end_of_a_long_text_says(
    local_embedder: LocalEmbedder,
) -> None:
    data = "Designed distributed data pipelines in Scala and Spark for analytics. " * 40
    kitchen = "Ran a pastry kitchen, baking croissants and training apprentice bakers. " * 40
    pooled, truncated, bakery = local_embedder.embed(
        [data + kitchen, data, "Pastry chef and baker"]
    )
    # Truncation (the model's own behaviour) would drop the second half entirely.
    assert dot(pooled, bakery) > dot(truncated, bakery) + 0.1


def test_local_short_text_is_one_chunk_and_empty_text_is_embedded(
    local_embedder: LocalEmbedder,
) -> None:
    assert local_embedder.chunks("Go developer") == [("Go developer", 2)]
    assert len(local_embedder.embed([""])[0]) == 384
    assert local_embedder.embed([]) == []


def test_get_embedder_follows_the_setting() -> None:
    with override_settings(
        EMBEDDINGS={
            "BACKEND": "matching.embeddings.sagemaker.SageMakerEmbedder",
            "OPTIONS": {"endpoint_name": "minilm", "region": "eu-west-1"},
        }
    ):
        embedder = get_embedder()
        assert isinstance(embedder, SageMakerEmbedder)
        assert embedder.endpoint_name == "minilm"
    assert isinstance(get_embedder(), LocalEmbedder)


# --- Bedrock -------------------------------------------------------------------------------


def bedrock_client():
    return boto3.client("bedrock-runtime", region_name="us-east-1")


def test_bedrock_titan_embeds_one_text_per_call(aws_env: None) -> None:
    client = bedrock_client()
    embedder = BedrockEmbedder(dimension=4, client=client)
    with Stubber(client) as stub:
        for text, vector in (("first", [2, 0, 0, 0]), ("second", [0, 3, 4, 0])):
            stub.add_response(
                "invoke_model",
                {"body": stream({"embedding": vector, "inputTextTokenCount": 1}),
                 "contentType": "application/json"},
                {"modelId": "amazon.titan-embed-text-v2:0",
                 "body": json.dumps({"inputText": text, "dimensions": 4, "normalize": True}),
                 "contentType": "application/json", "accept": "application/json"},
            )  # fmt: skip
        vectors = embedder.embed(["first", "second"])
        stub.assert_no_pending_responses()
    assert vectors == [[1.0, 0.0, 0.0, 0.0], [0.0, 0.6, 0.8, 0.0]]


def test_bedrock_cohere_embeds_a_batch_per_call(aws_env: None) -> None:
    client = bedrock_client()
    embedder = BedrockEmbedder(model_id="cohere.embed-english-v3", dimension=2, client=client)
    with Stubber(client) as stub:
        stub.add_response(
            "invoke_model",
            {"body": stream({"embeddings": [[1, 0], [0, 2]], "id": "x", "texts": ["a", "b"]}),
             "contentType": "application/json"},
            {"modelId": "cohere.embed-english-v3",
             "body": json.dumps({"texts": ["a", "b"], "input_type": "search_document",
                                 "truncate": "END"}),
             "contentType": "application/json", "accept": "application/json"},
        )  # fmt: skip
        assert embedder.embed(["a", "b"]) == [[1.0, 0.0], [0.0, 1.0]]


def test_bedrock_throttling_is_transient_and_validation_is_permanent(aws_env: None) -> None:
    client = bedrock_client()
    embedder = BedrockEmbedder(dimension=4, client=client)
    with Stubber(client) as stub:
        stub.add_client_error("invoke_model", "ThrottlingException", http_status_code=429)
        stub.add_client_error("invoke_model", "ValidationException", http_status_code=400)
        with pytest.raises(TransientEmbeddingError):
            embedder.embed(["x"])
        with pytest.raises(EmbeddingError) as error:
            embedder.embed(["x"])
        assert not isinstance(error.value, TransientEmbeddingError)


def test_bedrock_rejects_a_vector_of_the_wrong_dimension(aws_env: None) -> None:
    client = bedrock_client()
    with Stubber(client) as stub:
        stub.add_response("invoke_model", {"body": stream({"embedding": [1, 2]}),
                                           "contentType": "application/json"})  # fmt: skip
        with pytest.raises(EmbeddingError, match="dimensions"):
            BedrockEmbedder(dimension=4, client=client).embed(["x"])


# --- SageMaker -----------------------------------------------------------------------------


def sagemaker_client():
    return boto3.client("sagemaker-runtime", region_name="us-east-1")


def test_sagemaker_sends_batches_and_normalises(aws_env: None) -> None:
    client = sagemaker_client()
    embedder = SageMakerEmbedder(endpoint_name="minilm", dimension=2, batch_size=2, client=client)
    with Stubber(client) as stub:
        stub.add_response(
            "invoke_endpoint",
            {"Body": stream({"embeddings": [[3, 4], [0, 5]]}), "ContentType": "application/json"},
            {"EndpointName": "minilm", "Body": json.dumps({"inputs": ["a", "b"]}),
             "ContentType": "application/json", "Accept": "application/json"},
        )  # fmt: skip
        stub.add_response(
            "invoke_endpoint",
            # A feature-extraction container: token vectors per text, mean-pooled here.
            {"Body": stream([[[1, 0], [0, 1]]]), "ContentType": "application/json"},
            {"EndpointName": "minilm", "Body": json.dumps({"inputs": ["c"]}),
             "ContentType": "application/json", "Accept": "application/json"},
        )  # fmt: skip
        vectors = embedder.embed(["a", "b", "c"])
    assert vectors[0] == [0.6, 0.8] and vectors[1] == [0.0, 1.0]
    assert vectors[2] == pytest.approx([2**-0.5, 2**-0.5])


def test_sagemaker_errors_are_classified(aws_env: None) -> None:
    client = sagemaker_client()
    embedder = SageMakerEmbedder(endpoint_name="minilm", dimension=2, client=client)
    with Stubber(client) as stub:
        stub.add_client_error("invoke_endpoint", "ServiceUnavailable", http_status_code=503)
        stub.add_client_error("invoke_endpoint", "ValidationError", http_status_code=400)
        with pytest.raises(TransientEmbeddingError):
            embedder.embed(["a"])
        with pytest.raises(EmbeddingError):
            embedder.embed(["a"])
    with pytest.raises(EmbeddingError, match="endpoint_name"):
        SageMakerEmbedder(client=client).embed(["a"])
