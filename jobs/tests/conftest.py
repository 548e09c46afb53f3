from __future__ import annotations

import pytest

from jobs.tests.factories import make_job as _make_job


@pytest.fixture
def make_job():
    return _make_job


@pytest.fixture
def fake_opensearch(settings):
    """Route opensearch-py's default connection to a scripted fake and select the backend."""
    from django.conf import settings as django_settings
    from opensearchpy.connection.connections import connections

    from jobs.tests.opensearch_fake import FakeOpenSearch, ScriptedConnection

    fake = FakeOpenSearch()
    connection_class = type("Scripted", (ScriptedConnection,), {"server": fake})
    connections.create_connection(
        alias="default",
        hosts=["http://opensearch.test:9200"],
        connection_class=connection_class,
        max_retries=0,
    )
    settings.JOB_SEARCH = {"BACKEND": "jobs.search.opensearch.OpenSearchJobSearch"}
    yield fake
    connections.remove_connection("default")
    connections.configure(**django_settings.OPENSEARCH_DSL)
    fake.assert_done()
