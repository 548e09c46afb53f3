"""bench_extraction's CPU figures per document, compared with the limits they answer to."""

from __future__ import annotations

from django.core.management import call_command

from resumes.tests import documents


def test_bench_extraction_prints_cpu_percentiles_against_each_limit(tmp_path, capsys):
    (tmp_path / "a.pdf").write_bytes(documents.two_column_pdf())
    (tmp_path / "b.pdf").write_bytes(documents.sample_pdf())
    (tmp_path / "scan.png").write_bytes(documents.text_image(documents.SAMPLE_LINES[:3]))
    call_command(
        "bench_extraction", "--dir", str(tmp_path), "--ocr-limit", "4", "--text-limit", "50"
    )
    block = capsys.readouterr().out.split("CPU per document")[1].split("extractor:")[0]
    rows = {line.split()[0]: line for line in block.strip().splitlines()[2:]}
    pdf = rows["pdf"].split()
    assert pdf[1] == "2"
    p50, p95 = float(pdf[2]), float(pdf[3])
    assert 0 < p50 <= p95
    assert rows["pdf"].endswith("x the 50 ms extract+parse limit")
    assert abs(float(pdf[6].rstrip("x")) - p95 / 50) < 0.006
    image = rows["image"].split()
    per_page = float(image[4])  # one page: the document's CPU
    assert abs(per_page - float(image[2]) / 1000) < 0.006
    assert rows["image"].endswith("x the 4 s OCR limit")
    assert abs(float(image[7].rstrip("x")) - per_page / 4) < 0.006  # two decimals each
