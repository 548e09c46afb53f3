"""Tests on single lines of an entry section: bullets, links, sentences, header lines, dates.

Shared by work, education and undated entries: a header line is short and capitalised, a
description line reads like a sentence, a date anchor is a line whose range stands alone or
beside header text.
"""

from __future__ import annotations

import re

from resumes.parsing.dates import DateRange, find_date_ranges
from resumes.parsing.roles import ROLE_NOUNS, TITLE_WORDS

BULLET_RE = re.compile(
    r"^\s*(?:\(cid:\d+\)|[»«\uf000-\uf8ff•●○◦▪■□◆►▸‣∙·*\-\u2013\u2014+>]|\d+[.)])\s+"
)
LABELS = {
    "highlights",
    "responsibilities",
    "achievements",
    "key achievements",
    "tasks",
    "description",
    "courses",
    "keywords",
    "summary",
}


def strip_bullet(line: str) -> str:
    return BULLET_RE.sub("", line).strip()


def without_urls(line: str) -> str:
    line = re.sub(r"\binvalid date\b", " ", line, flags=re.IGNORECASE)
    line = re.sub(r"\(\s*(?:https?://|www\.)\S*\s*\)", " ", line)
    # Links with a scheme, "www." or a path; a bare domain may be a company ("Jobing.com").
    line = re.sub(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+/\S*", " ", line)
    # Links OCR broke ("https:/Avww.ge.com", "(https //", "(http:/A") and what they leave.
    line = re.sub(r"\(?\s*https?(?::/*|\s//+)\S*(?:\s*\))?", " ", line)
    line = re.sub(r"\s\($", " ", line.rstrip())
    line = re.sub(r" *\t[ \t]*", "\t", re.sub(r" {2,}", " ", line))
    line = line.strip(" \t|·,")
    if re.search(r"\d\s*[-\u2013\u2014]+$", line):
        return line.lstrip(" \t-\u2013\u2014|·,")  # "2017-09 —": an open date range
    return line.strip(" \t-\u2013\u2014|·,")


_SMALL_WORDS = {"of", "and", "at", "in", "for", "the", "de", "on", "&", "to", "with", "a"}


def is_sentence(line: str, max_words: int = 10) -> bool:
    """Description text rather than a header: long, ends like a sentence, or mostly lower case."""
    text = line.strip()
    words = text.split()
    # Dashes and bullets between header fields are no words ("Developer - Acme (Unofficial)").
    counted = [w for w in words if any(ch.isalnum() for ch in w)]
    if not words or len(counted) > max_words or len(text) > max_words * 8:
        return True
    ends_sentence = text.endswith((";", "!", "?")) or (
        text.endswith(".") and not re.fullmatch(r"[A-Z][a-z]{0,3}\.|(?:\w\.){2,}", words[-1])
    )
    if ends_sentence and len(words) > 2:
        return True
    if len(words) > 2 and re.fullmatch(r"[A-Z][a-z]{2,}ed", words[0]) and words[1][:1].islower():
        return True  # "Worked with the DevOps team ...": a highlight, not a header
    alpha = [w for w in words if w[:1].isalpha()]
    # Job titles are often written in lower case ("Web technical director at 3DDUO").
    lower = [
        w
        for w in alpha
        if w[0].islower() and w.lower() not in _SMALL_WORDS | TITLE_WORDS | ROLE_NOUNS
    ]
    return len(alpha) >= 3 and len(lower) * 2 >= len(alpha)


def _header_candidate(line: str) -> bool:
    text = line.strip()
    if not text or BULLET_RE.match(text) or text.lower().rstrip(":") in LABELS:
        return False
    if text.startswith("[object") or text.lower() == "invalid date":
        return False
    # The end of a wrapped sentence ("through Terraform.", "department.") is not a header;
    # names that start in lower case keep a capital inside ("eBay", "iRobot").
    if text[0].islower() and not re.match(r"^[a-z]+[A-Z]", text):
        return False
    if re.search(r"[a-z]{3,}\.$", text) and not re.search(r"\b(?:Inc|Ltd|Corp|Co|Jr|Sr)\.$", text):
        return False
    return not is_sentence(text)


def date_anchor(line: str) -> DateRange | None:
    ranges = find_date_ranges(line)
    if not ranges:
        return None
    best = max(ranges, key=lambda r: (r.has_separator, r.span[1] - r.span[0]))
    rest = (line[: best.span[0]] + " " + line[best.span[1] :]).strip()
    if rest and is_sentence(rest):
        return None
    # A bulleted line is a highlight, unless it ends with a full range (an OCR speck
    # read as a dash before "Acme Inc. 2019 - 2021").
    if BULLET_RE.match(line) and not (best.has_separator and not line[best.span[1] :].strip()):
        return None
    if not best.has_separator and not best.start[:4].isdigit():
        return None
    return best
