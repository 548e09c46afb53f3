"""Work entries printed without dates beside them, and the dates printed apart.

Layouts that right-align dates (the stackoverflow theme, many Word templates) often lose them
to a column of their own when the PDF is read: the entries come out undated and the dates follow
later as a block. The entries are read from their "Title at Company" lines, and a block of date
lines with as many dates as there are entries dates them in order.
"""

from __future__ import annotations

import re

from resumes.parsing.base import ParsedExperience
from resumes.parsing.dates import DateRange
from resumes.parsing.lines import _header_candidate, date_anchor, without_urls
from resumes.parsing.roles import _pick_title_company, _split_parts, _title_score, is_place

_AT_HEADER_RE = re.compile(r"^(.+?)\s+(?:at|@)\s+(.+)$")


def parse_undated_work(lines: list[str]) -> list[ParsedExperience]:
    """Entries of a section without any date: "Title at Company" lines, each with the place
    line under it. Layouts that print dates in a right-hand column often lose them to a block
    of their own, read after the section (see `detached_dates`)."""
    experiences: list[ParsedExperience] = []
    for i, raw in enumerate(lines):
        line = without_urls(raw.strip())
        match = _AT_HEADER_RE.match(line)
        if not match or not _header_candidate(line) or _title_score(match.group(1)) == 0:
            continue
        below = lines[i + 1].strip() if i + 1 < len(lines) else ""
        parts, location = _split_parts([line])
        title, company = _pick_title_company(parts)
        experiences.append(
            ParsedExperience(
                title=title,
                company=company,
                location=location or (below if is_place(below) else ""),
                start=None,
                end=None,
                is_current=False,
                description="",
            )
        )
    return experiences


def detached_dates(lines: list[str], count: int) -> list[DateRange | None] | None:
    """The first run of exactly `count` date-only lines ("May 2019 - Aug 2019"), in order;
    a garbled date ("Invalid Date - Invalid Date") holds its place as None."""
    run: list[DateRange | None] = []
    for raw in [*lines, ""]:
        line = raw.strip()
        anchor = date_anchor(line) if line else None
        bare = anchor is not None and not (line[: anchor.span[0]] + line[anchor.span[1] :]).strip()
        if bare or re.fullmatch(r"(?i)invalid date(?:\s*[-\u2013]\s*invalid date)?", line):
            run.append(anchor if bare else None)
            continue
        if len(run) == count:
            return run
        run = []
    return None
