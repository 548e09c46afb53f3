"""Text PDFs as people make them: a multi-page resume printed to PDF by Chromium.

Chromium's PDFs carry characters with no Unicode value between lines, which pdfium counts in
its character indices; reading them must not shift letters onto lines of their own.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from resumes.extraction.local import LocalTextExtractor

pytestmark = pytest.mark.browser

ROLES = [
    ("Kinetic Vision", "Software Developer II", "2023-01 — 2025-10"),
    ("SlashDB", "Full Stack Developer", "2021-05 — 2022-02"),
    ("Brands Insurance", "Rails Developer", "2019-10 — 2020-03"),
]


def chromium_pdf(html: str, tmp_path) -> bytes:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is not installed (scripts/install-system-deps.sh installs it)")
    source = tmp_path / "resume.html"
    source.write_text(html, encoding="utf-8")
    out = tmp_path / "resume.pdf"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
         f"--print-to-pdf={out}", source.as_uri()],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return out.read_bytes()


def test_a_chromium_printed_multi_page_resume_keeps_every_line_whole(tmp_path):
    filler = "<p>Worked on data collection and transportation for robotics testing.</p>" * 12
    entries = "".join(
        f"<h3>{company} <span>{dates}</span></h3><p>{title}</p>{filler}"
        for company, title, dates in ROLES
    )
    html = f"<html><body><h1>Todd Reyes</h1><h2>Work</h2>{entries}</body></html>"
    data = chromium_pdf(html, tmp_path)

    result = LocalTextExtractor().extract(data=data, kind="pdf")

    assert result.pages >= 2
    lines = [line.strip() for line in result.text.splitlines() if line.strip()]
    for company, title, dates in ROLES:
        assert f"{company} {dates}" in lines
        assert title in lines
    assert not [line for line in lines if len(line) == 1]  # no letter left on its own
