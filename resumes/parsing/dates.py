"""Dates and date ranges as resumes print them.

Handled: "Jan 2019", "January 2019", "Jan. '19", "Jun-25", "01/2017", "2017/01", "2019-03",
"2019-03-15", "2019", "'15", and ranges joined by "-", "-", "-", "to", "until", with an open
or current end ("Present", "Current", "Now", "Today", "Ongoing", or nothing after the dash).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_PRESENT = r"(?:present|pres|current(?:ly)?|now|today|ongoing|till\s+date|to\s+date|date)"
_YEAR4 = r"(?:19\d\d|20[0-4]\d)"
_DATE = (
    rf"(?:{_MONTH}[\s,\-']*(?:{_YEAR4}|'?\d{{2}})(?!\d)"  # Jan 2019, Jun-25, Jan '19
    rf"|{_YEAR4}[-/.](?:0?[1-9]|1[0-2])(?:[-/.](?:[0-2]?\d|3[01]))?(?!\d)"  # 2019-03(-15), 2019/03
    rf"|(?:0?[1-9]|1[0-2])[/.\-]{_YEAR4}"  # 03/2019
    rf"|(?:[0-3]?\d[/.])(?:0?[1-9]|1[0-2])[/.]{_YEAR4}"  # 15/03/2019 (year only kept)
    rf"|{_YEAR4}"
    r"|['\u2019]\d{2}(?!\d))"  # '15
)
# "=" and "~" are how OCR often reads a dash.
_SEP = r"\s*(?:[-\u2013\u2014\u2212~=]+|\bto\b|\buntil\b|\btill\b|→|>)\s*"
RANGE_RE = re.compile(
    rf"(?<![\w/])(?P<start>{_DATE})(?:{_SEP}(?P<end>{_DATE}|{_PRESENT})?)?(?![\w/])",
    re.IGNORECASE,
)
_MONTH_START_RE = re.compile(rf"\s*{_MONTH}", re.IGNORECASE)
PRESENT_RE = re.compile(rf"^{_PRESENT}$", re.IGNORECASE)


@dataclass(frozen=True)
class DateRange:
    start: str | None
    end: str | None
    is_current: bool
    span: tuple[int, int]  # where the range sits in the line
    has_separator: bool


def _two_digit_year(text: str) -> str:
    value = int(text)
    return str(2000 + value if value <= (date.today().year % 100) + 1 else 1900 + value)


def normalize_date(text: str) -> str | None:
    """'YYYY-MM' or 'YYYY' for one printed date; None for anything else."""
    t = text.strip().lower().replace("\u2019", "'")
    m = re.fullmatch(r"([a-z]+)\.?[\s,\-']*(\d{4}|\d{2})", t)
    if m and m.group(1)[:3] in MONTHS:
        year = m.group(2) if len(m.group(2)) == 4 else _two_digit_year(m.group(2))
        return f"{year}-{MONTHS[m.group(1)[:3]]:02d}"
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?", t)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    m = re.fullmatch(r"(\d{1,2})[-/.](\d{4})", t)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{m.group(2)}-{int(m.group(1)):02d}"
    m = re.fullmatch(r"\d{1,2}[/.]\d{1,2}[/.](\d{4})", t)
    if m:
        return m.group(1)
    m = re.fullmatch(r"(\d{4})", t)
    if m:
        return m.group(1)
    m = re.fullmatch(r"'(\d{2})", t)
    if m:
        return _two_digit_year(m.group(1))
    return None


def find_date_ranges(line: str) -> list[DateRange]:
    """Date ranges (or single dates) in one line, left to right."""
    found: list[DateRange] = []
    for m in RANGE_RE.finditer(line):
        start = normalize_date(m.group("start"))
        if start is None:
            continue
        raw_end = m.group("end")
        has_separator = m.group(0).rstrip() != m.group("start") if raw_end is None else True
        is_current = False
        end: str | None = None
        if raw_end is None:
            # "2018 -" with nothing after the dash: still going; but "Mar 2009 - Jan. auil"
            # is an end date OCR could not read, not an ongoing job.
            unreadable = _MONTH_START_RE.match(line[m.end() :].split("\t")[0])
            is_current = has_separator and not unreadable
        elif PRESENT_RE.match(raw_end.strip()):
            is_current = True
        else:
            end = normalize_date(raw_end)
        found.append(
            DateRange(
                start=start,
                end=end,
                is_current=is_current,
                span=m.span(),
                has_separator=has_separator,
            )
        )
    return found


def merged_years(periods: list[tuple[str, str]]) -> float | None:
    """Years covered by the union of (start, end) periods given as 'YYYY[-MM]' strings."""
    if not periods:
        return None
    spans: list[tuple[int, int]] = []
    for start, end in periods:
        sy, sm = int(start[:4]), int(start[5:7]) if len(start) >= 7 else 1
        ey, em = int(end[:4]), int(end[5:7]) if len(end) >= 7 else 12
        a, b = sy * 12 + sm - 1, ey * 12 + em
        if b > a:
            spans.append((a, b))
    if not spans:
        return None
    spans.sort()
    total = 0
    cur_a, cur_b = spans[0]
    for a, b in spans[1:]:
        if a <= cur_b:
            cur_b = max(cur_b, b)
        else:
            total += cur_b - cur_a
            cur_a, cur_b = a, b
    total += cur_b - cur_a
    return round(total / 12, 1)
