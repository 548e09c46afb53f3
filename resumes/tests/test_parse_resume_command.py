import json

import pytest
from django.core.management import CommandError, call_command

from resumes.tests import documents


def test_it_parses_files_in_the_evaluation_schema_without_the_database(tmp_path):
    pdf = tmp_path / "carol.pdf"
    pdf.write_bytes(documents.sample_pdf())
    docx = tmp_path / "cv.docx"
    docx.write_bytes(documents.make_docx())
    call_command("parse_resume", str(pdf), str(docx), "--format", "eval", "--out", str(tmp_path))
    carol = json.loads((tmp_path / "carol.pred.json").read_text())
    assert carol["email"] == "carol@example.test"
    assert "python" in carol["skills"]
    assert {"company", "title", "start", "end"} <= set(carol["work"][0])
    assert (tmp_path / "cv.pred.json").exists()


def test_a_refused_file_is_reported_with_its_reason_and_a_failing_exit(tmp_path, capsys):
    bad = tmp_path / "virus.pdf"
    bad.write_bytes(b"MZ\x90\x00 not a resume")
    with pytest.raises(CommandError, match="1 of 1 files could not be parsed"):
        call_command("parse_resume", str(bad))
    assert "not supported" in capsys.readouterr().err
