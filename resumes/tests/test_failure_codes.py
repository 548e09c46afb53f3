"""Failed resumes carry a machine-readable `failure_code` beside the sentence for people."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps

from resumes import extraction
from resumes.models import Resume
from resumes.tests.factories import make_resume

pytestmark = pytest.mark.django_db
backfill = importlib.import_module("resumes.migrations.0004_resume_failure_code")


def test_rows_failed_before_the_column_get_their_code_from_the_sentence(candidate):
    sentences = {
        "The PDF is damaged and cannot be read.": "damaged_file",
        "Parsing took too long.": "parse_timeout",
        "Textract could not read the document (X: y).": "extraction_failed",
        "Something nobody foresaw.": "",
    }
    rows = {
        make_resume(owner=candidate, status="failed", error=sentence).pk: code
        for sentence, code in sentences.items()
    }
    parsed = make_resume(owner=candidate, error="The PDF is damaged and cannot be read.")
    backfill.codes_from_sentences(apps, None)
    assert dict(Resume.objects.filter(pk__in=rows).values_list("pk", "failure_code")) == rows
    assert Resume.objects.get(pk=parsed.pk).failure_code == ""  # only failed rows


def test_every_code_an_extractor_raises_is_a_declared_choice():
    # Choices are not checked on save: a misspelt code would reach the metrics unnoticed.
    folder = Path(extraction.__file__).parent
    raised = {
        code
        for module in folder.glob("*.py")
        for code in re.findall(r'code="([a-z_]+)"', module.read_text())
    }
    assert raised >= {"damaged_file", "unsupported_kind", "too_large", "ocr_failed"}
    assert raised | {code for code, _ in backfill.PREFIXES} <= set(Resume.Failure.values)
