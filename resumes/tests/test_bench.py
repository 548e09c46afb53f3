from __future__ import annotations

from django.core.management import call_command

from resumes.tests import documents


def test_bench_extraction_prints_speed_per_format(tmp_path, capsys):
    (tmp_path / "a.pdf").write_bytes(documents.two_column_pdf())
    (tmp_path / "b.docx").write_bytes(documents.make_docx())
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 truncated")
    call_command("bench_extraction", "--dir", str(tmp_path), "--repeat", "2")
    out = capsys.readouterr()
    table = out.out.split("extractor:")[1].splitlines()
    assert table[1].split()[:4] == ["format", "docs", "pages", "docs/s"]
    rows = {line.split()[0]: line.split() for line in table[2:] if line.strip()}
    assert rows["pdf"][1:3] == ["1", "1"] and rows["docx"][1] == "1"
    assert "skip bad.pdf" in out.err
