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


def test_bench_extraction_compares_ocr_cpu_per_page_with_the_budget(tmp_path, capsys):
    (tmp_path / "a.pdf").write_bytes(documents.two_column_pdf())
    (tmp_path / "scan.png").write_bytes(documents.text_image(documents.SAMPLE_LINES[:4]))
    call_command("bench_extraction", "--dir", str(tmp_path), "--ocr-limit", "4")
    table = capsys.readouterr().out.split("extractor:")[1].splitlines()
    assert table[1].split()[-1] == "CPU/4s"
    rows = {line.split()[0]: line.split() for line in table[2:] if line.strip()}
    cpu_ms_per_page, ratio = float(rows["image"][7]), float(rows["image"][9])
    assert cpu_ms_per_page > 0
    assert abs(ratio - cpu_ms_per_page / 4000) < 0.006  # printed with two decimals
    assert rows["pdf"][9] == "-"  # a text layer has no OCR budget
