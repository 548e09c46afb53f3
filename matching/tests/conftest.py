from __future__ import annotations

import pytest

from matching.embeddings.local import LocalEmbedder, load_model


@pytest.fixture(scope="session")
def local_embedder() -> LocalEmbedder:
    """The real all-MiniLM-L6-v2, loaded once for the whole session."""
    load_model()
    return LocalEmbedder()
