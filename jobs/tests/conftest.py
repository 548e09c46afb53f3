from __future__ import annotations

import pytest

from jobs.tests.factories import make_job as _make_job


@pytest.fixture
def make_job():
    return _make_job
