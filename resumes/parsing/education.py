"""Education entries: school, degree, field of study and dates.

Schools are found by their names ("University", "College", "Institute", ...); degree, field
and dates are read from the lines around each school, above or below it depending on the
layout.
"""

from __future__ import annotations

import re

from resumes.parsing.base import ParsedEducation
from resumes.parsing.dates import PRESENT_RE, DateRange, find_date_ranges
from resumes.parsing.entries import collect_headers
from resumes.parsing.lines import LABELS, date_anchor, is_sentence, strip_bullet, without_urls
from resumes.parsing.roles import _split_trailing_place, is_place

INSTITUTION_RE = re.compile(
    r"\b(universit\w*|college|school|institut\w*|academy|polytechnic|politecnico|hochschule|"
    r"[ée]cole|escuela|faculdade|faculty|conservator\w*|seminary|iit|mit|ucla|epfl|eth)\b",
    re.IGNORECASE,
)
DEGREE_RE = re.compile(
    r"^(?:(?:bachelor|master|doctor|associate)(?:'?s)?(?:\s+(?:of|in)\s+(?:science|arts|engineering|"
    r"business administration|fine arts|technology|laws|philosophy|education|applied science)s?)?"
    r"|ph\.?\s?d\.?|d\.?phil|m\.?phil|mba|m\.?b\.?a\.?|b\.?\s?sc\.?|m\.?\s?sc\.?|b\.?\s?eng\.?|m\.?\s?eng\.?|"
    r"b\.?\s?tech\.?|m\.?\s?tech\.?|b\.?s\.?|m\.?s\.?|b\.?a\.?|m\.?a\.?|a\.?a\.?s?\.?|bba|bfa|mfa|llb|llm|"
    r"jd|md|diploma|certificate|high school diploma|ged|licen[cs]iatura?|licence|baccalaur[ée]ate?)"
    r"(?=$|[\s,:(\-\u2013])",
    re.IGNORECASE,
)


_LEADING_SPECK_RE = re.compile(r"^[a-z0-9©®@•°](?:\s+)(?=[A-Z])")
# "Cartography at The Ohio State University": the end of a wrapped degree line, then its school.
_WRAPPED_AT_RE = re.compile(r"^([A-Z][\w&,' -]{0,50}?)\s+at\s+(.+)$")


def split_degree(text: str) -> tuple[str, str]:
    """("Bachelor of Science", "Computer Science") from "... in Computer Science"."""
    m = DEGREE_RE.match(text.strip())
    if not m:
        return "", ""
    degree = m.group(0).strip()
    field = re.sub(
        r"^(?:\s*[,:\-\u2013]\s*|\s+in\s+|\s+of\s+|\s+)", "", text.strip()[m.end() :]
    ).strip(" ,()")
    return degree, field


def _strip_dates(text: str) -> tuple[str, DateRange | None]:
    ranges = find_date_ranges(text)
    if not ranges:
        return text, None
    best = max(ranges, key=lambda r: (r.has_separator, r.span[1] - r.span[0]))
    if len(ranges) >= 2 and not any(r.has_separator for r in ranges):
        # "2001 2005": two bare years side by side are a range.
        best = DateRange(
            start=ranges[0].start,
            end=ranges[-1].start,
            is_current=False,
            span=(ranges[0].span[0], ranges[-1].span[1]),
            has_separator=True,
        )
    for r in sorted(ranges, key=lambda r: r.span[0], reverse=True):
        text = text[: r.span[0]] + " " + text[r.span[1] :]
    return re.sub(r"\s+", " ", text).strip(" -\u2013\u2014,|"), best


_YEAR_FIRST_RE = re.compile(r"(?:19|20)\d\d\s+([A-Z].{1,60})")
_YEAR_OR_NOW_RE = re.compile(r"(?:(?:19|20)\d\d|present|current|now)\b", re.IGNORECASE)


def _school_beside_year(clean: list[str], i: int) -> bool:
    """A side column of years read beside the entries ("2006 ICC Brussels" / "2011 Bachelor"):
    the line with the start year names the school when the next one opens with the end."""
    m = _YEAR_FIRST_RE.fullmatch(clean[i])
    nxt = clean[i + 1] if i + 1 < len(clean) else ""
    return bool(
        m
        and _YEAR_OR_NOW_RE.match(nxt)
        and not DEGREE_RE.match(m.group(1))
        and not is_sentence(m.group(1))
        and (i == 0 or not _YEAR_OR_NOW_RE.match(clean[i - 1]))
    )


def _education_blocks(clean: list[str], starts: list[int]) -> list[tuple[int, list[int]]]:
    """(institution line, the line indexes of its entry) for each institution line.

    Layouts print degree and dates either below the school ("School / Degree / Dates") or
    above it ("Dates / Degree / School"); the lines before the first school decide which.
    """
    before_first = [k for k in range(starts[0]) if clean[k] and not is_sentence(clean[k], 16)]
    blocks: list[tuple[int, list[int]]] = []
    for n, i in enumerate(starts):
        if before_first:
            lo = starts[n - 1] + 1 if n else 0
            hi = i + 1
            # A place printed under the school still belongs to it.
            while hi < len(clean) and hi not in starts and is_place(clean[hi]):
                hi += 1
        else:
            lo = i
            hi = starts[n + 1] if n + 1 < len(starts) else len(clean)
        blocks.append((i, list(range(lo, min(hi, lo + 8) if not before_first else hi))))
    return blocks


def _education_dates(found: list[DateRange], ongoing: bool) -> DateRange | None:
    """One range from the dates of an entry; "2017" and "Present" on two lines make one."""
    ranges = [d for d in found if d.has_separator]
    if ranges:
        return ranges[0]
    if not found:
        return None
    years = sorted(d.start for d in found)
    if ongoing:
        return DateRange(years[0], None, is_current=True, span=(0, 0), has_separator=True)
    if len(years) >= 2:
        return DateRange(years[0], years[-1], is_current=False, span=(0, 0), has_separator=True)
    return found[0]


def parse_education(lines: list[str]) -> list[ParsedEducation]:
    # An icon OCR read as a lone character before the text ("0 Chemistry", "c Electrical").
    clean = [_LEADING_SPECK_RE.sub("", without_urls(strip_bullet(x))) for x in lines]
    # A school name broken over two lines ("University of" / "Minnesota").
    for k in range(len(clean) - 1):
        if re.search(r"\b(of|and|for|&)$", clean[k]) and INSTITUTION_RE.search(clean[k]):
            clean[k], clean[k + 1] = f"{clean[k]} {clean[k + 1]}", ""
    # A field of study wrapped after a small word ("Geographic Information Systems and" /
    # "Analytical Cartography").
    for k in range(len(clean) - 1):
        nxt = clean[k + 1]
        if (
            re.search(r"\s(?:of|and|for|in|&)$", clean[k])
            and not INSTITUTION_RE.search(clean[k] + " " + nxt)
            and nxt[:1].isupper()
            and len(nxt.split()) <= 5
            and not any(ch.isdigit() for ch in nxt)
        ):
            clean[k], clean[k + 1] = f"{clean[k]} {nxt}", ""
    # "... at Arizona State" / "University": a school name wrapped onto its own line.
    for k in range(1, len(clean)):
        wrapped = re.fullmatch(
            r"University|College|School|Institute|(?:of|and|for) [A-Z][\w ]{0,40}", clean[k]
        )
        # "... at Georgia" / "Institute of Technology": only after a "Degree at School" line.
        wrapped = wrapped or (
            " at " in clean[k - 1]
            and re.fullmatch(
                r"(?:University|College|School|Institute|Academy) of [A-Z][\w ]{0,40}", clean[k]
            )
        )
        tail = _WRAPPED_AT_RE.match(clean[k])
        if (
            not wrapped
            and tail
            and INSTITUTION_RE.search(tail.group(2))
            and DEGREE_RE.match(clean[k - 1])
            and " at " not in clean[k - 1]
            and not INSTITUTION_RE.search(clean[k - 1])
        ):
            # "Bachelor of Science Geographic ... and Analytical  2004 - 2011" /
            # "Cartography at The Ohio State University".
            before = clean[k - 1]
            head, date = _strip_dates(before)
            dates = before[date.span[0] : date.span[1]] if date else ""
            clean[k - 1] = f"{head} {clean[k]}\t{dates}".strip()
            clean[k] = ""
            continue
        if wrapped:
            before = clean[k - 1]
            head, date = _strip_dates(before)
            dates = before[date.span[0] : date.span[1]] if date else ""
            clean[k - 1] = f"{head} {clean[k]}\t{dates}".strip()
            clean[k] = ""
    # Courses listed under a degree are not entries: blank them up to the next school.
    in_courses = False
    for k, text in enumerate(clean):
        if INSTITUTION_RE.search(text) and not is_sentence(text, 16):
            in_courses = False
        elif re.fullmatch(r"(relevant )?(courses|coursework)\s*:?", text, re.IGNORECASE):
            in_courses = True
            clean[k] = ""
        elif in_courses:
            clean[k] = ""
    starts = [
        i
        for i, x in enumerate(clean)
        if (INSTITUTION_RE.search(x) and not is_sentence(x, 16)) or _school_beside_year(clean, i)
    ]
    if not starts:
        anchor_of = {i: d for i, line in enumerate(lines) if (d := date_anchor(line))}
        starts = [h.first for h in collect_headers(lines, anchor_of)]
    if not starts:
        return []
    educations: list[ParsedEducation] = []
    for i, block in _education_blocks(clean, starts):
        institution, date = _strip_dates(clean[i])
        degree = field = ""
        # "Degree, Field at School" on one line.
        m = re.match(r"^(.+?)\s+(?:at|@|-|\u2013|,)\s+(.*(?:" + INSTITUTION_RE.pattern + r").*)$",
                     institution, re.IGNORECASE)  # fmt: skip
        if not m and DEGREE_RE.match(institution):
            m = re.match(r"^(.+?)\s+(?:at|@)\s+(.+)$", institution)
        if m and not INSTITUTION_RE.search(m.group(1)):
            institution = m.group(2)
            degree, field = split_degree(m.group(1))
            degree = degree or m.group(1)
        singles: list[DateRange] = [date] if date else []
        ongoing = False
        for k in block:
            if k == i:
                continue
            text, found = _strip_dates(clean[k])
            if found:
                singles.append(found)
            if not text or is_sentence(text, 16) or text.lower().rstrip(":") in LABELS:
                continue
            if PRESENT_RE.match(text):
                ongoing = True
                continue
            if is_place(text):
                continue
            head, place = _split_trailing_place(text)
            text = head if place and head else text
            d, f = split_degree(text)
            if d and not degree:
                degree, field = d, field or f
            elif not field and len(text.split()) <= 8 and not INSTITUTION_RE.search(text):
                field = text
        # Only a place set apart ("McGill University <tab> Montreal, QC"): "University of
        # Oklahoma" and "Georgia Institute of Technology" keep their place names.
        if "\t" in institution:
            cells = [c for c in institution.split("\t") if c.strip()]
            kept = [c for c in cells if not is_place(c)]
            institution = " ".join(kept or cells)
        date = _education_dates(singles, ongoing)
        start = end = None
        if date:
            start = date.start if date.has_separator else None
            if not date.is_current:
                end = date.end or (None if date.has_separator else date.start)
        educations.append(
            ParsedEducation(
                institution=institution, degree=degree, field=field, start=start, end=end
            )
        )
    return educations
