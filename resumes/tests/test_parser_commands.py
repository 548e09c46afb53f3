"""`evaluate_parser` and `bench_parser` on small real sets (real extractor and parser)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from resumes.management.commands.bench_parser import Command as BenchParser
from resumes.tests import documents

SCORER = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "score.py"


@pytest.fixture
def mini_set(tmp_path: Path) -> Path:
    """One generated PDF with its truth, in the layout of shared/eval/parsing-dev."""
    if not SCORER.exists():
        pytest.skip("the shared evaluation scorer (../shared/eval/score.py) is not on this machine")
    folder = tmp_path / "set"
    folder.mkdir()
    shutil.copy(SCORER, folder / "score.py")
    (folder / "carol__cv__plain.pdf").write_bytes(documents.sample_pdf())
    truth = {
        "id": "carol__cv__plain",
        "format": "pdf",
        "name": "Carol Candidate",
        "email": "carol@example.test",
        "phone": "+1 415 555 0100",
        "location": {"city": "San Francisco", "country": "US"},
        "urls": [],
        "work": [
            {
                "company": "Acme Robotics",
                "title": "Senior Engineer",
                "start": "2020-01",
                "end": None,
            },
        ],
        "education": [],
        "skills": ["python", "django", "postgresql", "docker", "kubernetes"],
        "languages": [],
    }
    (folder / "carol__cv__plain.truth.json").write_text(json.dumps(truth), encoding="utf-8")
    (folder / "manifest.tsv").write_text(
        "id\tperson_id\tsplit\tformat\ttheme\tconverter\tpages\tfile\tis_schema_sample\n"
        "carol__cv__plain\tcarol__cv\tdev\tpdf\tplain\treportlab\t1\tcarol__cv__plain.pdf\tFalse\n",
        encoding="utf-8",
    )
    return folder


def test_evaluate_parser_takes_the_folder_as_its_argument(mini_set, tmp_path, capsys):
    figures = tmp_path / "figures.json"
    call_command("evaluate_parser", str(mini_set), "--json", str(figures))
    out = capsys.readouterr().out
    assert "=== format: pdf" in out
    skills_row = next(line for line in out.splitlines() if line.startswith("skills"))
    assert skills_row.split()[1:5] == ["5", "1.000", "1.000", "1.000"]
    micro = json.loads(figures.read_text())["pdf"]["micro_f1"]
    assert f"F1={micro:.4f}" in out and 0.5 < micro <= 1


def test_evaluate_parsing_keeps_the_set_option_and_the_ratchet(mini_set, tmp_path):
    recorded = tmp_path / "quality.json"
    recorded.write_text(json.dumps({"pdf": {"micro_f1": 1.5}}))
    with pytest.raises(CommandError, match="Parsing accuracy fell: pdf"):
        call_command("evaluate_parsing", "--set", str(mini_set), "--ratchet", str(recorded))


def test_evaluate_parser_scores_phone_photos_as_their_own_formats(mini_set, tmp_path, capsys):
    # The layout of shared/eval/parsing-dev-photos: the score.py there filters on the text
    # formats only, so a photo is scored as the whole of a folder of its own format's truths.
    photos = tmp_path / "photos"
    photos.mkdir()
    shutil.copy(mini_set / "score.py", photos / "score.py")
    truth = json.loads((mini_set / "carol__cv__plain.truth.json").read_text())
    truth.update(id="carol__cv__plain__photo", format="photo")
    (photos / "carol__cv__plain__photo.truth.json").write_text(json.dumps(truth))
    jpeg = documents.text_image(documents.SAMPLE_LINES, fmt="JPEG", shadow=True)
    (photos / "carol__cv__plain__photo.jpg").write_bytes(jpeg)
    (photos / "manifest.tsv").write_text(
        "id\tperson_id\tsplit\tformat\ttheme\tconverter\tpages\tfile\tis_schema_sample\n"
        "carol__cv__plain__photo\tcarol__cv\tdev\tphoto\tplain\tpil\t1\t"
        "carol__cv__plain__photo.jpg\tFalse\n",
        encoding="utf-8",
    )
    figures = tmp_path / "figures.json"
    call_command("evaluate_parser", str(photos), "--json", str(figures))
    out = capsys.readouterr().out
    assert "=== format: photo" in out and "=== format: pdf" not in out
    skills_row = next(line for line in out.splitlines() if line.startswith("skills"))
    assert skills_row.split()[1] == "5"  # the truth's five skills, found by OCR and the parser
    assert 0.5 < json.loads(figures.read_text())["photo"]["micro_f1"] <= 1
    # The ratchet of both sets lives in one file: each run checks the formats it scored.
    recorded = tmp_path / "quality.json"
    recorded.write_text(json.dumps({"pdf": {"micro_f1": 1.5}, "photo": {"micro_f1": 1.5}}))
    with pytest.raises(CommandError, match=r"fell: photo: [0-9.]+ < 1\.5000 - 0\.01$"):
        call_command("evaluate_parsing", "--set", str(photos), "--ratchet", str(recorded))


def test_evaluate_parser_needs_a_folder():
    with pytest.raises(CommandError, match="evaluate_parser DIR"):
        call_command("evaluate_parser")


def test_bench_parser_prints_each_stage_on_one_process(tmp_path, capsys):
    (tmp_path / "a.pdf").write_bytes(documents.sample_pdf())
    (tmp_path / "b.docx").write_bytes(documents.make_docx())
    (tmp_path / "c.png").write_bytes(documents.text_image(documents.SAMPLE_LINES))
    call_command("bench_parser", str(tmp_path), "--repeat", "2")
    lines = capsys.readouterr().out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("stage"))
    rows = {line[:20].strip(): line[20:].split() for line in lines[header + 1 :]}
    assert rows["extract"][0] == "4" and rows["OCR"][0] == "2" and rows["parse"][0] == "6"
    assert rows["text PDF extr+parse"][0] == "2"
    assert all(float(value) > 0 for row in rows.values() if len(row) == 5 for value in row)
    assert "against the 60 ms limit" in lines[-1]


@pytest.mark.django_db(transaction=True)
def test_bench_parser_pushes_resumes_through_a_real_worker(tmp_path):
    # The worker path on this test's database (the command itself makes a throwaway one).
    (tmp_path / "a.pdf").write_bytes(documents.sample_pdf())
    (tmp_path / "b.pdf").write_bytes(documents.two_column_pdf())
    command = BenchParser(stdout=io.StringIO())
    command.lines = []
    options = {"dir": str(tmp_path), "workers": 2, "broker": "redis", "repeat": 1}
    command.benchmark({**options, "format": ["pdf"], "limit": 0})
    out = "\n".join(command.lines)
    assert "2 resumes (2 files x 1) through a real worker of 2 processes, redis broker" in out
    assert "2 parsed, 0 failed in" in out
    assert "of the 20 resumes/s target" in out
