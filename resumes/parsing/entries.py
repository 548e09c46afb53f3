"""Work entries inside their section, and the line tests that education shares.

Layouts print an entry's header in many orders ("Company  Jan 2019 - Present / Title",
"Title at Company  2019-2021", "Dates / Title / Company", "Title / Company · tagline / Dates").
The date range is the anchor: the short, capitalised lines around it form the header, and the
words in them (job titles, degrees, school names) decide which line is which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from resumes.parsing.base import ParsedExperience
from resumes.parsing.contacts import COUNTRIES, REGIONS, URL_RE, US_STATES
from resumes.parsing.dates import DateRange, find_date_ranges

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


@dataclass
class _Header:
    parts: list[str]
    date: DateRange | None
    first: int  # first line index of the header
    last: int  # last line index of the header


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
    return line.strip(" \t-\u2013\u2014|·,")


_SMALL_WORDS = {"of", "and", "at", "in", "for", "the", "de", "on", "&", "to", "with", "a"}


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
    # "City, ST" or "City, Country" after the name; a lone word only when it is a country
    # ("MDEIE Quebec" is a company name).
    m = re.search(r"\s+((?:[A-Z][\w.]*\s?){1,3},\s*[A-Z]{2}|[A-Z][\w ]{1,25}, [A-Z][\w ]+)$", text)
    if m and is_place(m.group(1)) and text[: m.start()].strip():
        return text[: m.start()].strip(), m.group(1).strip()
    m = _TRAILING_COUNTRY_RE.search(text)
    if m and text[: m.start()].strip():
        return text[: m.start()].strip(" ,"), m.group(1)
    return "", ""


def _has_role(text: str) -> bool:
    """Whether a role noun ends the text or one of its parts ("Senior Engineer, Data")."""
    chunks = [re.findall(r"[\w+#-]+", c.lower()) for c in re.split(r"[,/&(]| and ", text)]
    return any(chunk and chunk[-1] in ROLE_NOUNS for chunk in chunks)


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
            skipped_tagline = False
            while j > used_until and sum(not is_place(b) for b in back) < 2:
                text = lines[j].strip()
                if _skippable(text):
                    j -= 1
                    continue
                if j in anchor_of:
                    break
                if not _header_candidate(without_urls(text)):
                    # One short tagline under a company name ("Building the team of the future").
                    if back or skipped_tagline or not _is_tagline(text):
                        break
                    skipped_tagline = True
                    j -= 1
                    continue
                back.insert(0, without_urls(text))
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
            candidate = _header_candidate(without_urls(text))
            # A title right under the dates still belongs to a header taken from above
            # ("Company / tagline / Dates / Title").
            missing_title = candidate and not any(map(_has_role, parts)) and _has_role(text)
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


def _is_noise(piece: str) -> bool:
    """OCR debris between header fields: "Stas i", ": _", "7"."""
    letters = sum(ch.isalpha() for ch in piece)
    if letters < 2:
        return True
    return bool(re.search(r"(?:^|\s)[b-z](?:\s|$)", piece)) and len(piece.split()) <= 3


def _is_slogan(piece: str) -> bool:
    """A company's slogan under its name: "Redefining the Grocery Experience.", "Building the
    tech team of the future" (a verb in -ing, then a phrase with small words)."""
    words = piece.rstrip(".").split()
    return (
        len(words) >= 4
        and words[0].lower().endswith("ing")
        and any(w in ("the", "a", "an", "of", "for", "your") for w in words[1:])
    )


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
            if not _is_noise(piece) and not _is_slogan(piece):
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


# First words of two-word city names ("New York", "San Jose", "St. Louis").
_CITY_PREFIXES = {
    "new", "san", "los", "las", "santa", "st.", "st", "saint", "fort", "port", "el", "la",
    "salt", "palo", "ann", "baton", "grand", "little", "long", "walnut", "west", "east",
    "north", "south", "rio", "sao", "são", "buenos", "hong", "tel", "kuala", "cape",
}  # fmt: skip


def _company_before_place(place: str) -> tuple[str, str]:
    """("Daxko", "Birmingham, AL") from "Daxko Birmingham, AL"; ("", place) when the first
    part is only a city."""
    head, sep, tail = place.partition(",")
    words = head.split()
    size = 2 if len(words) >= 3 and words[-2].lower() in _CITY_PREFIXES else 1
    if len(words) <= size:
        return "", place
    return " ".join(words[:-size]), " ".join(words[-size:]) + sep + tail


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
