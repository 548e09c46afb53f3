"""The embeddings contract: a batch of texts in, one unit vector per text out.

Every vector is stored beside the `model_id` that produced it, so vectors of two models are never
compared (a model change means `manage.py reembed`, not silently mixed vectors).
"""

from __future__ import annotations

from typing import Protocol


class EmbeddingError(Exception):
    """A permanent failure: retrying the same input will fail again (bad input, bad config)."""


class TransientEmbeddingError(EmbeddingError):
    """Worth a retry with backoff: throttling, a timeout, a service blip."""


class Embedder(Protocol):
    model_id: str
    dimension: int

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One L2-normalised vector of `dimension` floats per text, in input order."""
        ...


def normalize(vector: list[float]) -> list[float]:
    norm = sum(x * x for x in vector) ** 0.5
    if norm == 0:
        return [0.0] * len(vector)
    return [x / norm for x in vector]
