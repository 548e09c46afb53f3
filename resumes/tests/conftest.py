from __future__ import annotations

import pytest

from resumes.tests import documents


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Each test stores files in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sample_pdf() -> bytes:
    return documents.sample_pdf()
