from __future__ import annotations

import pytest

from resumes.tests import documents


@pytest.fixture
def sample_pdf() -> bytes:
    return documents.sample_pdf()
