"""Pick the embeddings backend from `settings.EMBEDDINGS` ({"BACKEND": dotted path, "OPTIONS": {}}).

Loaded lazily and once per process; reset when a test overrides the setting.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from matching.embeddings.base import Embedder, EmbeddingError, TransientEmbeddingError

__all__ = ["Embedder", "EmbeddingError", "TransientEmbeddingError", "get_embedder"]


@cache
def get_embedder() -> Embedder:
    config = settings.EMBEDDINGS
    backend = import_string(config["BACKEND"])
    return backend(**config.get("OPTIONS", {}))


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs: object) -> None:
    if setting == "EMBEDDINGS":
        get_embedder.cache_clear()
