"""The OpenAPI schema validates without warnings, and its viewers answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command


def test_spectacular_validates_the_schema_without_warnings(tmp_path: Path) -> None:
    # The same check CI runs: `manage.py spectacular --validate --fail-on-warn`. The command
    # raises SchemaGenerationError on a warning and a validation error on an invalid schema.
    output = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(output))
    assert output.read_text().startswith("openapi: 3.")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_schema_and_its_viewers_answer_200_to_anyone(client, path: str) -> None:
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_schema_documents_the_v1_api_only(client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/me" in schema["paths"]
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
