"""A SageMaker real-time endpoint serving an embedding model (`invoke_endpoint`).

The request/response shape is the one of the Hugging Face inference containers for
feature-extraction / sentence-transformers models: `{"inputs": [texts]}` in, and either
`{"embeddings": [[...], ...]}` or a bare list of vectors out. A model that returns token vectors
(`[[[...]]]`, one per word piece) is mean-pooled here. Vectors are renormalised.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from matching.embeddings.aws import make_client, translate
from matching.embeddings.base import EmbeddingError, normalize


def _pool(item: Any) -> list[float]:
    if item and isinstance(item[0], list):  # token vectors: mean-pool them
        width = len(item[0])
        return [sum(row[d] for row in item) / len(item) for d in range(width)]
    return [float(x) for x in item]


@dataclass(frozen=True)
class SageMakerEmbedder:
    endpoint_name: str = ""
    model_id: str = "sagemaker/all-MiniLM-L6-v2"
    dimension: int = 384
    region: str = "us-east-1"
    endpoint_url: str = ""
    batch_size: int = 32

    # Built from the options unless handed in (tests hand in a client wrapped in a Stubber).
    client: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.client is None:
            client = make_client(
                "sagemaker-runtime", region=self.region, endpoint_url=self.endpoint_url
            )
            object.__setattr__(self, "client", client)

    def _invoke(self, texts: list[str]) -> Any:
        try:
            response = self.client.invoke_endpoint(
                EndpointName=self.endpoint_name,
                Body=json.dumps({"inputs": texts}),
                ContentType="application/json",
                Accept="application/json",
            )
            return json.loads(response["Body"].read())
        except Exception as error:
            raise translate(error) from error

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not self.endpoint_name:
            raise EmbeddingError("SageMakerEmbedder needs OPTIONS.endpoint_name")
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [t or " " for t in texts[start : start + self.batch_size]]
            payload = self._invoke(batch)
            if isinstance(payload, dict):
                payload = payload.get("embeddings") or payload.get("vectors")
            if not isinstance(payload, list) or len(payload) != len(batch):
                raise EmbeddingError(f"{self.endpoint_name} returned no embeddings")
            for item in payload:
                # Some containers wrap each text's token vectors in one more list.
                if item and isinstance(item[0], list) and item[0] and isinstance(item[0][0], list):
                    item = item[0]
                vector = _pool(item)
                if len(vector) != self.dimension:
                    raise EmbeddingError(
                        f"{self.endpoint_name} returned {len(vector)} dimensions, "
                        f"expected {self.dimension}"
                    )
                vectors.append(normalize(vector))
        return vectors
