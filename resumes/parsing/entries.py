"""Work entries inside their section.

Layouts print an entry's header in many orders ("Company  Jan 2019 - Present / Title",
"Title at Company  2019-2021", "Dates / Title / Company", "Title / Company · tagline / Dates").
The date range is the anchor: the short, capitalised lines around it form the header, and the
words in them (job titles, degrees, school names; see roles.py) decide which line is which.
The line tests live in lines.py; names are re-exported here for the modules that import them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from resumes.parsing.base import ParsedExperience
from resumes.parsing.contacts import URL_RE
from resumes.parsing.dates import DateRange
from resumes.parsing.lines import (
    BULLET_RE,
    LABELS,
    _header_candidate,
    date_anchor,
    is_sentence,
    strip_bullet,
    without_urls,
)
from resumes.parsing.roles import (
    COMPANY_WORDS,
    ROLE_NOUNS,
    TITLE_WORDS,
    _company_before_place,
    _company_score,
    _has_role,
    _pick_title_company,
    _split_parts,
    _title_score,
    is_place,
)

__all__ = [
    "BULLET_RE",
    "COMPANY_WORDS",
    "LABELS",
    "ROLE_NOUNS",
    "TITLE_WORDS",
    "_header_candidate",
    "_pick_title_company",
    "_split_parts",
    "_title_score",
    "collect_headers",
    "date_anchor",
    "is_place",
    "is_sentence",
    "parse_work",
    "strip_bullet",
    "without_urls",
]


@dataclass
class _Header:
    parts: list[str]
    date: DateRange | None
    first: int  # first line index of the header
    last: int  # last line index of the header


def _skippable(text: str) -> bool:
    """Lines inside a header that carry nothing: blank, a bare link, a link in parentheses."""
    return not text or bool(URL_RE.fullmatch(text)) or text.startswith("(")


_MAX_DESCRIPTION_LINES = 3


def _is_description(text: str) -> bool:
    """A line of a company's one- or two-sentence description (no bullet, not too long)."""
    return len(text.split()) <= 18 and not BULLET_RE.match(text)


def _is_tagline(text: str) -> bool:
    return len(text.split()) <= 8 and not BULLET_RE.match(text)


def _useful(parts: list[str]) -> int:
    return len(_split_parts(parts)[0])


def _looks_back(lines: list[str], anchors: list[int]) -> bool:
    """Whether this section prints entry headers above their dates (else below them).

    Decided once per section from its first entry: a header-like line before the first date
    means "Company / Title / Dates" layouts; none means "Dates / Title / Company".
    """
    first = anchors[0]
    before = [x for x in lines[:first] if not _skippable(x.strip())]
    # The line just above may be a tagline ("Redefining the grocery experience.").
    return any(_header_candidate(without_urls(x)) for x in before[-3:])


def collect_headers(lines: list[str], anchor_of: dict[int, DateRange]) -> list[_Header]:
    """Group the lines around each date anchor into an entry header."""
    headers: list[_Header] = []
    anchors = sorted(anchor_of)
    if not anchors:
        return headers
    look_back = _looks_back(lines, anchors)
    used_until = -1
    for n, i in enumerate(anchors):
        date = anchor_of[i]
        line = lines[i]
        rest = without_urls((line[: date.span[0]] + " " + line[date.span[1] :]).strip())
        parts: list[str] = [rest] if rest else []
        first = i
        # A date line with text of its own starts the header; a bare date sits inside it.
        if not rest and look_back:
            back: list[str] = []
            j = i - 1
            skipped = 0
            while j > used_until and sum(not is_place(b) for b in back) < 2:
                text = lines[j].strip()
                if _skippable(text):
                    j -= 1
                    continue
                if j in anchor_of:
                    break
                if not _header_candidate(without_urls(text)):
                    # A tagline or a short company description under the company's name
                    # ("Building the team of the future", "A team of passionate developers
                    # ... / and mobile applications for startups.").
                    if back or skipped >= _MAX_DESCRIPTION_LINES or not _is_description(text):
                        break
                    skipped += 1
                    j -= 1
                    continue
                back.insert(0, without_urls(text))
                first = j
                j -= 1
                if skipped and not is_place(back[0]):
                    break  # the name right above its description is the whole header
            parts = back
        last = i
        next_anchor = anchors[n + 1] if n + 1 < len(anchors) else len(lines)
        j = i + 1
        while j < next_anchor:
            text = lines[j].strip()
            if _skippable(text):
                j += 1
                continue
            candidate = _header_candidate(without_urls(text))
            # A title right under the dates still belongs to a header taken from above
            # ("Company / tagline / Dates / Title").
            missing_title = candidate and not any(map(_has_role, parts)) and _has_role(text)
            after = lines[j + 1].strip() if j + 1 < next_anchor else ""
            if (
                not candidate
                and after
                and _is_tagline(text)
                and not any(map(_has_role, parts))
                and _header_candidate(without_urls(after))
                and _has_role(after)
            ):
                # "Pied Piper  12/2013 - 12/2014" / "Awesome compression company" / "CEO".
                j += 1
                continue
            if not is_place(text) and (
                (_useful(parts) >= 2 and not missing_title) or not candidate
            ):
                break
            parts.append(without_urls(text))
            last = j
            j += 1
        used_until = last
        headers.append(_Header(parts=[p for p in parts if p], date=date, first=first, last=last))
    return headers


def _join_open_parentheses(lines: list[str]) -> list[str]:
    """Rejoin a header broken inside parentheses ("Architect (Federal &" / "Advisory)")."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].count("(") > out[-1].count(")") and len(line.split()) <= 4:
            out[-1] = f"{out[-1]} {line.strip()}"
        else:
            out.append(line)
    return out


# First words of two-word city names ("New York", "San Jose", "St. Louis").


def _ocr_ai(text: str) -> str:
    """OCR reads "AI" as "Al" (a lower-case L): "Samsung Al Center", "Al Red Team"."""
    return re.sub(r"\bAl\b(?= [A-Z])|(?<=[A-Za-z] )Al\b", "AI", text)


def parse_work(lines: list[str]) -> list[ParsedExperience]:
    lines = _join_open_parentheses(lines)
    anchor_of = {i: d for i, line in enumerate(lines) if (d := date_anchor(line))}
    headers = collect_headers(lines, anchor_of)
    experiences: list[ParsedExperience] = []
    for n, header in enumerate(headers):
        parts, location = _split_parts(header.parts)
        if location and len(parts) == 1 and _title_score(parts[0]) > _company_score(parts[0]):
            # "Daxko Birmingham, AL" over a title: the company runs into its place.
            company_part, location = _company_before_place(location)
            parts += [company_part] if company_part else []
        title, company = (_ocr_ai(x) for x in _pick_title_company(parts))
        if not title and not company:
            continue
        stop = headers[n + 1].first if n + 1 < len(headers) else len(lines)
        description = "\n".join(strip_bullet(x) for x in lines[header.last + 1 : stop] if x.strip())
        date = header.date
        experiences.append(
            ParsedExperience(
                title=title,
                company=company,
                location=location,
                start=date.start if date else None,
                end=date.end if date else None,
                is_current=bool(date and date.is_current),
                description=description,
            )
        )
    return experiences
