"""Amazon Bedrock embeddings through `invoke_model`: Titan Text Embeddings v2 or Cohere Embed v3.

Titan embeds one text per call (`dimensions` 256, 512 or 1024, normalised by the service);
Cohere takes up to 96 texts per call (1024-d) and we normalise. Both truncate long inputs on the
service side (Titan: 8k tokens; Cohere: `truncate="END"`), so no local chunking here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from matching.embeddings.aws import make_client, translate
from matching.embeddings.base import EmbeddingError, normalize

COHERE_BATCH = 96


@dataclass(frozen=True)
class BedrockEmbedder:
    model_id: str = "amazon.titan-embed-text-v2:0"
    dimension: int = 1024
    region: str = "us-east-1"
    endpoint_url: str = ""
    input_type: str = "search_document"  # Cohere only

    # Built from the options unless handed in (tests hand in a client wrapped in a Stubber).
    client: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.client is None:
            client = make_client(
                "bedrock-runtime", region=self.region, endpoint_url=self.endpoint_url
            )
            object.__setattr__(self, "client", client)

    @property
    def is_cohere(self) -> bool:
        return self.model_id.startswith("cohere.")

    def _invoke(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self.client.invoke_model(
                modelId=self.model_id,
                body=json.dumps(body),
                contentType="application/json",
                accept="application/json",
            )
            return json.loads(response["body"].read())
        except EmbeddingError:
            raise
        except Exception as error:  # botocore errors, bad JSON
            raise translate(error) from error

    def _check(self, vector: list[float]) -> list[float]:
        if len(vector) != self.dimension:
            raise EmbeddingError(
                f"{self.model_id} returned {len(vector)} dimensions, expected {self.dimension}"
            )
        return normalize([float(x) for x in vector])

    def embed(self, texts: list[str]) -> list[list[float]]:
        if self.is_cohere:
            vectors: list[list[float]] = []
            for start in range(0, len(texts), COHERE_BATCH):
                batch = [t or " " for t in texts[start : start + COHERE_BATCH]]
                body = {"texts": batch, "input_type": self.input_type, "truncate": "END"}
                payload = self._invoke(body)
                embeddings = payload.get("embeddings")
                if isinstance(embeddings, dict):  # when embedding_types was requested
                    embeddings = embeddings.get("float")
                if not isinstance(embeddings, list) or len(embeddings) != len(batch):
                    raise EmbeddingError(f"{self.model_id} returned no embeddings")
                vectors.extend(self._check(v) for v in embeddings)
            return vectors
        out = []
        for text in texts:
            body = {"inputText": text or " ", "dimensions": self.dimension, "normalize": True}
            payload = self._invoke(body)
            if "embedding" not in payload:
                raise EmbeddingError(f"{self.model_id} returned no embedding")
            out.append(self._check(payload["embedding"]))
        return out
