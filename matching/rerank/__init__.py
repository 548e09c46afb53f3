"""The optional LLM re-ranker, chosen by `settings.MATCH_RERANKER` (None: off, the default).

`{"BACKEND": "matching.rerank.bedrock.BedrockReranker", "OPTIONS": {"model_id": ..., "top_n": 10}}`
Loaded lazily and once per process; reset when a test overrides the setting.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from matching.rerank.base import (
    PairVerdict,
    RequirementVerdict,
    Reranker,
    RerankError,
    TransientRerankError,
)

__all__ = [
    "PairVerdict",
    "RequirementVerdict",
    "RerankError",
    "Reranker",
    "TransientRerankError",
    "get_reranker",
]


@cache
def get_reranker() -> Reranker | None:
    config = getattr(settings, "MATCH_RERANKER", None)
    if not config:
        return None
    backend = import_string(config["BACKEND"])
    return backend(**config.get("OPTIONS", {}))


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs: object) -> None:
    if setting == "MATCH_RERANKER":
        get_reranker.cache_clear()
