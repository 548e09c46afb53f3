"""Work and education entries inside their sections.

Layouts print an entry's header in many orders ("Company  Jan 2019 - Present / Title",
"Title at Company  2019-2021", "Dates / Title / Company", "Title / Company · tagline / Dates").
The date range is the anchor: the short, capitalised lines around it form the header, and the
words in them (job titles, degrees, school names) decide which line is which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from resumes.parsing.base import ParsedEducation, ParsedExperience
from resumes.parsing.contacts import COUNTRIES, REGIONS, URL_RE, US_STATES
from resumes.parsing.dates import PRESENT_RE, DateRange, find_date_ranges

BULLET_RE = re.compile(
    r"^\s*(?:\(cid:\d+\)|[»«\uf000-\uf8ff•●○◦▪■□◆►▸‣∙·*\-\u2013\u2014+>]|\d+[.)])\s+"
)
_LABELS = {
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
TITLE_WORDS = {
    "engineer", "developer", "programmer", "manager", "director", "lead", "head", "intern",
    "internship", "scientist", "researcher", "research", "analyst", "consultant", "designer",
    "architect", "administrator", "admin", "specialist", "officer", "founder", "co-founder",
    "cofounder", "owner", "ceo", "cto", "cfo", "coo", "cio", "vp", "president", "chair",
    "teacher", "instructor", "lecturer", "professor", "tutor", "assistant", "associate",
    "fellow", "postdoc", "postdoctoral", "student", "technician", "coordinator", "editor",
    "writer", "author", "contributor", "maintainer", "volunteer", "member", "advisor",
    "adviser", "mentor", "partner", "principal", "staff", "senior", "junior", "sr", "jr",
    "trainee", "apprentice", "freelancer", "freelance", "contractor", "expert", "devops",
    "sre", "pentester", "tester", "qa", "support", "representative", "agent", "executive",
    "producer", "artist", "supervisor", "strategist", "evangelist", "advocate", "marketer",
    "recruiter", "scrum", "product", "software", "web", "full-stack", "fullstack",
    "frontend", "front-end", "backend", "back-end", "mobile", "data", "chief", "graduate",
    "undergraduate", "teaching", "team", "technical", "programming", "ambassador", "board",
    "organizer", "operator", "musician", "photographer", "journalist", "investigator",
}  # fmt: skip
ROLE_NOUNS = {
    "engineer", "developer", "developper", "programmer", "manager", "director", "lead", "head",
    "intern", "scientist", "researcher", "analyst", "consultant", "designer", "architect",
    "administrator", "specialist", "officer", "founder", "co-founder", "owner", "ceo", "cto",
    "cfo", "coo", "president", "chair", "teacher", "instructor", "lecturer", "professor",
    "tutor", "assistant", "associate", "fellow", "postdoc", "student", "technician",
    "coordinator", "editor", "writer", "contributor", "maintainer", "volunteer", "member",
    "advisor", "mentor", "partner", "principal", "trainee", "apprentice", "freelancer",
    "contractor", "expert", "pentester", "tester", "representative", "executive", "producer",
    "artist", "supervisor", "strategist", "evangelist", "advocate", "recruiter", "master",
    "operator", "organizer", "ambassador", "vp",
}  # fmt: skip
COMPANY_WORDS = {
    "inc", "llc", "ltd", "limited", "gmbh", "corp", "corporation", "company", "co", "labs",
    "lab", "technologies", "technology", "solutions", "group", "institute", "university",
    "college", "agency", "studio", "studios", "systems", "software", "bank", "foundation",
    "sa", "ag", "bv", "plc", "pty", "consulting", "partners", "services", "media", "games",
    "center", "centre", "hospital", "school", "council", "department", "ministry",
}  # fmt: skip
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


@dataclass
class _Header:
    parts: list[str]
    date: DateRange | None
    first: int  # first line index of the header
    last: int  # last line index of the header


def strip_bullet(line: str) -> str:
    return BULLET_RE.sub("", line).strip()


def _without_urls(line: str) -> str:
    line = re.sub(r"\binvalid date\b", " ", line, flags=re.IGNORECASE)
    line = re.sub(r"\(\s*(?:https?://|www\.)\S*\s*\)", " ", line)
    # Links with a scheme, "www." or a path; a bare domain may be a company ("Jobing.com").
    line = re.sub(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+/\S*", " ", line)
    line = re.sub(r" *\t[ \t]*", "\t", re.sub(r" {2,}", " ", line))
    return line.strip(" \t-\u2013\u2014|·,")


def is_sentence(line: str, max_words: int = 10) -> bool:
    """Description text rather than a header: long, ends like a sentence, or mostly lower case."""
    text = line.strip()
    words = text.split()
    if not words or len(words) > max_words or len(text) > max_words * 8:
        return True
    ends_sentence = text.endswith((";", "!", "?")) or (
        text.endswith(".") and not re.fullmatch(r"[A-Z][a-z]{0,3}\.|(?:\w\.){2,}", words[-1])
    )
    if ends_sentence and len(words) > 2:
        return True
    alpha = [w for w in words if w[:1].isalpha()]
    lower = [
        w
        for w in alpha
        if w[0].islower()
        and w.lower()
        not in {"of", "and", "at", "in", "for", "the", "de", "on", "&", "to", "with", "a"}
    ]
    return len(alpha) >= 3 and len(lower) * 2 >= len(alpha)


def _header_candidate(line: str) -> bool:
    text = line.strip()
    if not text or BULLET_RE.match(text) or text.lower().rstrip(":") in _LABELS:
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


def _date_anchor(line: str) -> DateRange | None:
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


def is_place(text: str) -> bool:
    t = text.strip(" ()")
    if t.lower() in COUNTRIES or t.lower() in REGIONS:
        return True
    parts = [p.strip() for p in re.split(r"[,/]", t)]
    last = parts[-1].lower()
    if len(parts) >= 2 and (last in COUNTRIES or parts[-1] in US_STATES or last in REGIONS):
        return all(p[:1].isupper() for p in parts if p)
    return False


_TRAILING_COUNTRY_RE = re.compile(
    r"\s(" + "|".join(re.escape(c) for c in sorted(COUNTRIES, key=len, reverse=True)) + r")$",
    re.IGNORECASE,
)


def _split_trailing_place(text: str) -> tuple[str, str]:
    """("Arcadia Redux", "Australia") from "Arcadia Redux Australia"; ("", "") if none."""
    m = re.search(
        r"\s+((?:[A-Z][\w.]*\s?){1,3},\s*[A-Z]{2}|[A-Z][\w ]{1,25}, [A-Z][\w ]+|\S+)$", text
    )
    if m and is_place(m.group(1)) and text[: m.start()].strip():
        return text[: m.start()].strip(), m.group(1).strip()
    m = _TRAILING_COUNTRY_RE.search(text)
    if m and text[: m.start()].strip():
        return text[: m.start()].strip(" ,"), m.group(1)
    return "", ""


def _title_score(text: str) -> int:
    """Title words count once; a role noun ending the text ("... Engineer") counts more."""
    words = re.findall(r"[\w+#-]+", text.lower())
    score = sum(w in TITLE_WORDS for w in words)
    ends = [re.findall(r"[\w+#-]+", chunk.lower()) for chunk in re.split(r"[,/&(]| and ", text)]
    if any(chunk and chunk[-1] in ROLE_NOUNS for chunk in ends):
        score += 2
    return score


def _company_score(text: str) -> int:
    """Company words written as part of a name ("Acme Company", not "a software company")."""
    words = re.findall(r"[\w-]+", text)
    return sum(w.lower() in COMPANY_WORDS for w in words if w[:1].isupper())


def _skippable(text: str) -> bool:
    """Lines inside a header that carry nothing: blank, a bare link, a link in parentheses."""
    return not text or bool(URL_RE.fullmatch(text)) or text.startswith("(")


def _is_tagline(text: str) -> bool:
    return len(text.split()) <= 8 and not text.endswith(".") and not BULLET_RE.match(text)


def _useful(parts: list[str]) -> int:
    return len(_split_parts(parts)[0])


def _looks_back(lines: list[str], anchors: list[int]) -> bool:
    """Whether this section prints entry headers above their dates (else below them).

    Decided once per section from its first entry: a header-like line before the first date
    means "Company / Title / Dates" layouts; none means "Dates / Title / Company".
    """
    first = anchors[0]
    before = [x for x in lines[:first] if not _skippable(x.strip())]
    return bool(before) and _header_candidate(before[-1])


def _collect_headers(lines: list[str], anchor_of: dict[int, DateRange]) -> list[_Header]:
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
        rest = _without_urls((line[: date.span[0]] + " " + line[date.span[1] :]).strip())
        parts: list[str] = [rest] if rest else []
        first = i
        # A date line with text of its own starts the header; a bare date sits inside it.
        if not rest and look_back:
            back: list[str] = []
            j = i - 1
            skipped_tagline = False
            while j > used_until and sum(not is_place(b) for b in back) < 2:
                text = lines[j].strip()
                if _skippable(text):
                    j -= 1
                    continue
                if j in anchor_of:
                    break
                if not _header_candidate(_without_urls(text)):
                    # One short tagline under a company name ("Building the team of the future").
                    if back or skipped_tagline or not _is_tagline(text):
                        break
                    skipped_tagline = True
                    j -= 1
                    continue
                back.insert(0, _without_urls(text))
                first = j
                j -= 1
            parts = back
        last = i
        next_anchor = anchors[n + 1] if n + 1 < len(anchors) else len(lines)
        j = i + 1
        while j < next_anchor:
            text = lines[j].strip()
            if _skippable(text):
                j += 1
                continue
            if not is_place(text) and (
                _useful(parts) >= 2 or not _header_candidate(_without_urls(text))
            ):
                break
            parts.append(_without_urls(text))
            last = j
            j += 1
        used_until = last
        headers.append(_Header(parts=[p for p in parts if p], date=date, first=first, last=last))
    return headers


def _is_noise(piece: str) -> bool:
    """OCR debris between header fields: "Stas i", ": _", "7"."""
    letters = sum(ch.isalpha() for ch in piece)
    if letters < 2:
        return True
    return bool(re.search(r"(?:^|\s)[b-z](?:\s|$)", piece)) and len(piece.split()) <= 3


def _split_parts(parts: list[str]) -> tuple[list[str], str]:
    """Break "Title at Company" and "Company · tagline" apart; pull out a location."""
    out: list[str] = []
    location = ""
    for part in parts:
        m = re.match(r"^(.+?)\s+(?:at|@)\s+(.+)$", part)
        if m and _title_score(m.group(1)) >= _title_score(m.group(2)):
            pieces = [m.group(1), m.group(2)]
        else:
            pieces = re.split(r"\s+[·|•]\s+|\s+[\u2014\u2013]\s+(?=[A-Z])|\t", part)
        for piece in pieces:
            piece = piece.strip(" ,-\u2013\u2014|·")
            if not piece:
                continue
            if is_place(piece):
                location = location or piece
                continue
            head, place = _split_trailing_place(piece)
            if place and head:
                location = location or place
                piece = head
            if not _is_noise(piece):
                out.append(piece)
    return out, location


def _pick_title_company(parts: list[str]) -> tuple[str, str]:
    if not parts:
        return "", ""
    if len(parts) == 1:
        only = parts[0]
        return (only, "") if _title_score(only) > _company_score(only) else ("", only)
    scored = sorted(
        range(len(parts)), key=lambda k: (-(_title_score(parts[k]) - _company_score(parts[k])), k)
    )
    title_index = scored[0]
    if _title_score(parts[title_index]) == 0:
        # No title word anywhere: most layouts print the company first.
        return parts[1], parts[0]
    rest = [p for k, p in enumerate(parts) if k != title_index]
    company = max(rest[:2], key=_company_score) if _company_score(" ".join(rest[:2])) else rest[0]
    return parts[title_index], company


def _join_open_parentheses(lines: list[str]) -> list[str]:
    """Rejoin a header broken inside parentheses ("Architect (Federal &" / "Advisory)")."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].count("(") > out[-1].count(")") and len(line.split()) <= 4:
            out[-1] = f"{out[-1]} {line.strip()}"
        else:
            out.append(line)
    return out


def parse_work(lines: list[str]) -> list[ParsedExperience]:
    lines = _join_open_parentheses(lines)
    anchor_of = {i: d for i, line in enumerate(lines) if (d := _date_anchor(line))}
    headers = _collect_headers(lines, anchor_of)
    experiences: list[ParsedExperience] = []
    for n, header in enumerate(headers):
        parts, location = _split_parts(header.parts)
        title, company = _pick_title_company(parts)
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
    clean = [_without_urls(strip_bullet(x)) for x in lines]
    # A school name broken over two lines ("University of" / "Minnesota").
    for k in range(len(clean) - 1):
        if re.search(r"\b(of|and|for|&)$", clean[k]) and INSTITUTION_RE.search(clean[k]):
            clean[k], clean[k + 1] = f"{clean[k]} {clean[k + 1]}", ""
    # "... at Arizona State" / "University": a school name wrapped onto its own line.
    for k in range(1, len(clean)):
        if re.fullmatch(r"University|College|School|Institute", clean[k]):
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
    starts = [i for i, x in enumerate(clean) if INSTITUTION_RE.search(x) and not is_sentence(x, 16)]
    if not starts:
        anchor_of = {i: d for i, line in enumerate(lines) if (d := _date_anchor(line))}
        starts = [h.first for h in _collect_headers(lines, anchor_of)]
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
            if not text or is_sentence(text, 16) or text.lower().rstrip(":") in _LABELS:
                continue
            if PRESENT_RE.match(text):
                ongoing = True
                continue
            if is_place(text):
                continue
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
