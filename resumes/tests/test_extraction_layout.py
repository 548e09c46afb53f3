"""Reading order of text PDFs laid out like resume themes: a sidebar beside the main column,
dates set flush right, links beside each entry's title.

The PDFs are real files written at test time (Helvetica text runs placed as themes place
them) and read through pdfium by the local extractor.
"""

from __future__ import annotations

from functools import cache

import pytest
from PIL import ImageFont

from resumes.extraction.local import LocalTextExtractor
from resumes.tests.documents import TextRun, make_pdf

# Liberation Sans has Helvetica's advance widths: it measures where right-aligned text starts.
LIBERATION_SANS = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"

SIDEBAR = [
    "About",
    "Lisbon, Portugal",
    "zoe@example.test",
    "+351 912 345 678",
    "Skills",
    "Python",
    "PostgreSQL",
    "Kubernetes",
    "Apache Kafka",
    "Languages",
    "Portuguese",
    "English",
]
# (line, date set flush right on the same row or None)
MAIN = [
    ("Experience", None),
    ("Acme Robotics", "01/2020 - Present"),
    ("Senior Data Engineer", None),
    ("Built streaming pipelines for robot telemetry.", None),
    ("Globex Corporation", "03/2016 - 12/2019"),
    ("Data Engineer", None),
    ("Designed the warehouse schema and its loaders.", None),
    ("Initech", "06/2014 - 02/2016"),
    ("Junior Developer", None),
    ("Education", None),
    ("University of Porto", "09/2010 - 07/2014"),
    ("BSc Computer Science", None),
]
RIGHT_MARGIN = 560.0


@cache
def _font(size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(LIBERATION_SANS, round(size * 20))


def flush_right(text: str, y: float, size: float) -> TextRun:
    width = _font(size).getlength(text) / 20
    return (RIGHT_MARGIN - width, y, text, size)


def sidebar_pdf() -> bytes:
    """A macchiato-like page: a narrow sidebar whose rows do not line up with the main
    column's, and dates flush right in the main column."""
    runs: list[TextRun] = [
        (50, 750, "Zoë Müller-Ångström", 24),
        (50, 724, "Data Engineer", 12),
    ]
    for row, text in enumerate(SIDEBAR):
        runs.append((50, 690 - row * 15.5, text, 9))
    for row, (text, date) in enumerate(MAIN):
        y = 694 - row * 13
        runs.append((190, y, text, 10))
        if date:
            runs.append(flush_right(date, y, 10))
    return make_pdf([runs])


def linked_entries_pdf() -> bytes:
    """One column: each entry's title with its dates flush right, the next row with a link
    flush right, then lines of the entry alone (a sparse right side is not a column)."""
    runs: list[TextRun] = [(50, 750, "Carol Candidate", 20)]
    y = 710.0
    entries = [
        ("Ineat Conseil", "2011-02-01 - 2011-07-01", "http://www.ineat.example/"),
        ("3DDUO", "2008-09-01 - 2011-01-01", "http://www.3dduo.example"),
        ("No Parking", "2006-09-01 - 2006-11-01", "http://www.noparking.example/"),
    ]
    for company, dates, link in entries:
        runs += [(50, y, company, 12), flush_right(dates, y, 10)]
        runs += [(50, y - 20, "Developer", 10), flush_right(link, y - 20, 10)]
        runs += [(80, y - 40, f"Built the web games of {company}.", 10)]
        runs += [(80, y - 56, "Introduced git and code review to the team.", 10)]
        y -= 90
    return make_pdf([runs])


@pytest.fixture(scope="module")
def local() -> LocalTextExtractor:
    return LocalTextExtractor()


def test_a_sidebar_is_read_whole_before_the_main_column(local):
    lines = local.extract(data=sidebar_pdf(), kind="pdf").text.splitlines()
    assert lines[:2] == ["Zoë Müller-Ångström", "Data Engineer"]
    start = lines.index("About")
    assert lines[start : start + len(SIDEBAR)] == SIDEBAR
    main = [f"{text} {date}" if date else text for text, date in MAIN]
    start = lines.index("Experience")
    assert lines[start : start + len(MAIN)] == main
    assert len(lines) == 2 + len(SIDEBAR) + len(MAIN)


def test_right_aligned_dates_and_links_stay_on_their_entry_rows(local):
    lines = local.extract(data=linked_entries_pdf(), kind="pdf").text.splitlines()
    assert lines[1:5] == [
        "Ineat Conseil 2011-02-01 - 2011-07-01",
        "Developer http://www.ineat.example/",
        "Built the web games of Ineat Conseil.",
        "Introduced git and code review to the team.",
    ]
    assert lines[-3] == "Developer http://www.noparking.example/"


def test_rows_of_skill_chips_in_a_sidebar_are_not_a_date_stop(local):
    """Short items that end at one x but sit close together are the sidebar's own text."""
    runs: list[TextRun] = [(50, 750, "Carol Candidate", 20)]
    for row in range(8):
        runs.append((50, 700 - row * 14, f"Main column sentence {row} about the work done.", 10))
    sidebar = [["Skills"], ["C", "Lua", "SQL"], ["Go", "Rust", "SQL"], ["Tools"], ["Git", "Vim"]]
    for row, chips in enumerate(sidebar):
        x = 400.0
        for chip in chips:
            runs.append((x, 700 - row * 21, chip, 9))
            x += _font(9).getlength(chip) / 20 + 12
    lines = local.extract(data=make_pdf([runs]), kind="pdf").text.splitlines()
    assert lines[1:9] == [f"Main column sentence {row} about the work done." for row in range(8)]
    assert lines[9:] == ["Skills", "C Lua SQL", "Go Rust SQL", "Tools", "Git Vim"]
