"""The local resume parser: sections, contacts, dated entries and the skills taxonomy.

Pure Python, no network. Text comes from a PDF text layer, a DOCX or OCR, so every step
tolerates stray characters, broken lines and missing sections.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date

from resumes.parsing.base import (
    ParsedEducation,
    ParsedExperience,
    ParsedResume,
    ResumeParseError,
)
from resumes.parsing.contacts import (
    Place,
    find_email,
    find_name,
    find_phone,
    find_place,
    find_urls,
)
from resumes.parsing.dates import merged_years
from resumes.parsing.education import parse_education
from resumes.parsing.entries import parse_work
from resumes.parsing.lines import is_sentence
from resumes.parsing.roles import ROLE_NOUNS, TITLE_WORDS
from resumes.parsing.sections import LANGUAGE_NAMES, Section, heading_of, split_sections
from resumes.parsing.skill_lists import is_skill_level, listed_mentions, skill_items
from resumes.parsing.undated import detached_dates, parse_undated_work
from resumes.skills import SkillMention, find_skills, is_common_skill

ENGINE = "local-1"
MAX_TEXT_CHARS = 200_000
_CONTACT_SECTIONS = ("header", "contact", "profiles")


def _clean_text(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[\u200b\u00ad\ufeff]", "", text)
    lines = [_clean_line(line) for line in text.split("\n")]
    blanks = sum(1 for line in lines if not line)
    if blanks > 3 and blanks * 15 > len(lines):
        # Blank lines between paragraphs (OCR output): they say nothing about pages.
        return [line for line in lines if line]
    # A few blank lines (one at most in a row) mark page breaks for split_sections.
    return [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]


def _clean_line(line: str) -> str:
    """Collapse spaces, but keep a wide gap (a tab, 3+ spaces) as one tab: it separates
    columns, e.g. the cells of a skills grid."""
    line = re.sub(r"[ \t]*\t[ \t]*| {3,}", "\t", line.strip(" \t"))
    # OCR specks before the first word: a stray quote, "-_jane@example.com".
    line = re.sub(
        r"^[\u2018\u2019'\"`_=~|]+(?=\w)|^[-_]+(?=_|\w+@)|^[.,:;`~_=|]\s+(?=[A-Z])", "", line
    )
    return re.sub(r" {2,}", " ", line)


def _first(sections: list[Section], kind: str) -> Section | None:
    return next((s for s in sections if s.kind == kind), None)


def _lines_of(sections: list[Section], *kinds: str) -> list[str]:
    return [line for s in sections if s.kind in kinds for line in s.lines]


_LIST_ITEM_RE = re.compile(r"[A-Z0-9][\w+#./&()' -]{0,60}")
_YEAR_OR_NUMBER_RE = re.compile(r"\b(?:19|20)\d\d\b|\d{4,}|\+\d")


def _is_list_item(text: str, squashed_name: str) -> bool:
    """A short chip-like line of a side column: "Web Development", "Angular 1/2 Node"."""
    return (
        _LIST_ITEM_RE.fullmatch(text) is not None
        and len(text.split()) <= 5
        and re.sub(r"\W", "", text).lower() != squashed_name
        and not _YEAR_OR_NUMBER_RE.search(text)
        and not find_place([text])
        and not find_urls(text)
    )


def _unlabelled_skill_list(sections: list[Section], name: str) -> list[str]:
    """Skills printed as a bare list in a side column, without a "Skills" heading.

    Runs of at least three short list-like lines near the contact details; a run counts when
    it holds a taxonomy skill ("Engineering / Process Development / Image Processing") or
    names skill groups with their levels ("Web Development / Master / React HTML JS Redux").
    Every such run of the column is kept, not only the first.
    """
    squashed_name = re.sub(r"\W", "", name).lower()
    runs: list[list[str]] = [[]]
    for line in _lines_of(sections, *_CONTACT_SECTIONS, "summary"):
        text = line.strip()
        if _is_list_item(text, squashed_name):
            runs[-1].append(text)
        elif runs[-1]:
            runs.append([])
    found: list[str] = []
    for run in runs:
        levels = sum(1 for item in run if is_skill_level(item))
        known = sum(1 for item in run if any(is_common_skill(w) for w in [item, *item.split()]))
        if len(run) >= 3 and (levels >= 2 or (known and len(run) >= 4) or known >= 3):
            found += run
    return found


_TLDS = {
    "com", "org", "net", "io", "me", "dev", "edu", "gov", "ai", "app", "co", "info", "biz",
    "us", "uk", "ca", "de", "fr", "es", "it", "nl", "be", "ch", "at", "se", "no", "dk", "fi",
    "pl", "pt", "br", "mx", "ar", "au", "nz", "in", "cn", "jp", "kr", "ru", "tech", "site",
}  # fmt: skip
_LINKISH_RE = re.compile(r"[\w.+-]+@[\w.-]+|(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?")


def _join_wrapped_links(lines: list[str]) -> list[str]:
    """Rejoin an e-mail or link a narrow column broke inside its domain ("jane.doe@mail.c" /
    "om", "janedoe.exampl" / "e.com"): the first part ends in no known top-level domain and the
    two parts together end in one."""
    out: list[str] = []
    k = 0
    while k < len(lines):
        line = lines[k].strip()
        nxt = lines[k + 1].strip() if k + 1 < len(lines) else ""
        joined = line + nxt
        if (
            nxt
            and " " not in line
            and "/" not in line + nxt[:1]
            and _LINKISH_RE.fullmatch(line)
            and line.rsplit(".", 1)[-1].lower() not in _TLDS
            and re.fullmatch(r"[a-z0-9.\-/]{1,24}", nxt)
            and _LINKISH_RE.fullmatch(joined)
            and re.search(r"\.([a-z]{2,6})(?:/\S*)?$", joined)
            and re.search(r"\.([a-z]{2,6})(?:/\S*)?$", joined).group(1) in _TLDS
        ):
            out.append(joined)
            k += 2
            continue
        out.append(lines[k])
        k += 1
    return out


def _languages(lines: list[str]) -> list[str]:
    found: list[str] = []
    for line in lines:
        for word in re.findall(r"[^\W\d_]+(?:\s+sign\s+language)?", line.lower()):
            if word in LANGUAGE_NAMES and word not in found:
                found.append(word)
    return found


def _title_word(word: str) -> bool:
    w = word.lower().strip(".,")
    return w in TITLE_WORDS or w in ROLE_NOUNS


def _city_and_region(header: list[str], name: str, headline: str) -> Place | None:
    """A bare "City, Region" line near the name ("Florianópolis, Santa Catarina")."""
    for line in header[:6]:
        if line in (name, headline) or "@" in line or any(ch.isdigit() for ch in line):
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 2 or not all(p and len(p.split()) <= 3 for p in parts):
            continue
        words = [w for p in parts for w in p.split()]
        if all(w[:1].isupper() for w in words) and not any(_title_word(w) for w in words):
            return Place(city=parts[0], region=parts[1], country="")
    return None


_CONTACT_RE = re.compile(r"@|https?://|\+?\d[\d ().-]{7,}\d")


def _place_beside_contacts(lines: list[str]) -> Place | None:
    """A place line next to an e-mail, phone or link, wherever the layout put the contact
    block (under an "About" heading, in a side column read after the work history).

    A place with its city first; else a region or country alone ("California US")."""
    found: list[Place] = []
    for i, line in enumerate(lines):
        near = lines[max(0, i - 2) : i] + lines[i + 1 : i + 3]
        if any(_CONTACT_RE.search(x) for x in near) and not _CONTACT_RE.search(line):
            place = find_place([line]) or _wrapped_place(lines, i)
            if place and place.city:
                return place
            if place:
                found.append(place)
    return found[0] if found else None


def _wrapped_place(lines: list[str], i: int) -> Place | None:
    """A place a narrow column wrapped before its country ("Shenzhen Guangdong" / "CN")."""
    nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
    words = lines[i].split()
    if not (1 <= len(words) <= 3 and all(w[:1].isupper() for w in words)):
        return None
    if not re.fullmatch(r"[A-Z]{2}|[A-Z][a-z]+(?: [A-Z][a-z]+)?", nxt):
        return None
    if heading_of(lines[i]):
        return None  # "CONTACT" / "Belgium": a heading, then the country alone
    place = find_place([f"{lines[i].strip()} {nxt}"])
    return place if place and place.country else None


def _undated_work(sections: list[Section], work_lines: list[str]) -> list[ParsedExperience]:
    """Entries of a work section with no date in it, dated from a detached column of dates
    read after it when their numbers agree (right-aligned dates extracted as a block)."""
    entries = parse_undated_work(work_lines)
    first_work = next((n for n, s in enumerate(sections) if s.kind == "work"), len(sections))
    later = [x for s in sections[first_work + 1 :] for x in s.lines]
    dates = detached_dates(later, len(entries)) if entries else None
    if not dates:
        return entries
    return [
        replace(
            entry,
            start=d.start if d else None,
            end=d.end if d else None,
            is_current=bool(d and d.is_current),
        )
        for entry, d in zip(entries, dates, strict=True)
    ]


def _years(experiences: list[ParsedExperience], today: date) -> float | None:
    current = f"{today.year:04d}-{today.month:02d}"
    periods = [
        (e.start, current if e.is_current else (e.end or e.start)) for e in experiences if e.start
    ]
    return merged_years(periods)


class LocalResumeParser:
    def __init__(self, *, default_region: str = "US") -> None:
        self.default_region = default_region

    def parse(self, text: str) -> ParsedResume:
        if not isinstance(text, str) or not text.strip():
            raise ResumeParseError("The resume has no text to parse.")
        lines = _clean_text(text[:MAX_TEXT_CHARS])
        sections = split_sections(lines)
        header = sections[0].lines
        contact_lines = _lines_of(sections, *_CONTACT_SECTIONS)
        linkish = _join_wrapped_links(contact_lines + _lines_of(sections, "summary"))
        top_text = "\n".join(linkish)

        name = find_name(header or lines)
        headline = ""
        if name and name in header:
            after = header[header.index(name) + 1 : header.index(name) + 2]
            if (
                after
                and not is_sentence(after[0])
                and "@" not in after[0]
                and not find_place(after)
                and not find_phone(after[0])[0]
            ):
                headline = after[0]
        email = find_email(top_text) or find_email("\n".join(lines))
        phone, e164 = find_phone(top_text, self.default_region)
        if not phone:
            before_work = [
                x for s in sections if s.kind not in ("work", "education") for x in s.lines
            ]
            phone, e164 = find_phone("\n".join(before_work), self.default_region)
        urls = [
            url
            for url in find_urls(top_text)
            if not (email and email.lower().endswith(url.lower()))
        ]
        place_lines = [x for x in contact_lines if x not in (name, headline)]
        place = (
            find_place(place_lines)
            or _city_and_region(header, name, headline)
            or _city_and_region(_lines_of(sections, "contact"), name, headline)
            or _place_beside_contacts(lines)
        )

        work_lines = _lines_of(sections, "work")
        experiences = parse_work(work_lines) or _undated_work(sections, work_lines)
        educations = parse_education(_lines_of(sections, "education"))
        skill_lines = _lines_of(sections, "skills") or _unlabelled_skill_list(sections, name)
        skills = skill_items(skill_lines)
        summary_section = _first(sections, "summary")
        summary = " ".join(summary_section.lines) if summary_section else ""

        # The skills section first, so a skill listed there has that line as its evidence.
        body = [x for s in sections if s.kind != "skills" for x in s.lines]
        mentions = (
            listed_mentions(skills, skill_lines)
            + find_skills("\n".join(skill_lines))
            + find_skills("\n".join(body))
        )
        unique: dict[str, SkillMention] = {}
        for mention in mentions:
            unique.setdefault(mention.slug, mention)
        return ParsedResume(
            name=name,
            email=email,
            phone=phone,
            city=place.city if place else "",
            country=place.country if place else "",
            headline=headline,
            summary=summary,
            urls=urls,
            skills=skills,
            skill_slugs=list(unique.values()),
            experiences=experiences,
            educations=educations,
            languages=_languages(_lines_of(sections, "languages")),
            years_of_experience=_years(experiences, date.today()),
            engine=ENGINE,
            phone_e164=e164,
            region=place.region if place else "",
            confidence=_confidence(
                name=name,
                email=email,
                phone=phone,
                e164=e164,
                place=place,
                headline=headline,
                experiences=experiences,
                educations=educations,
                skills=skills,
                skills_from_section=bool(_lines_of(sections, "skills")),
            ),
        )


def _confidence(
    *,
    name: str,
    email: str,
    phone: str,
    e164: str,
    place: Place | None,
    headline: str,
    experiences: list[ParsedExperience],
    educations: list[ParsedEducation],
    skills: list[str],
    skills_from_section: bool,
) -> dict[str, float]:
    """Per-field confidence in [0, 1], to flag fields a person should review (parsing.review).

    Missing fields score 0 (a person should fill them); found ones score by how much of what
    makes them trustworthy is there: a phone that parses as a number, a place with its country,
    entries with their dates and both names, skills read from a headed Skills section."""
    words = name.split()
    name_score = 0.0
    if name:
        name_score = 0.9 if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) else 0.5
    place_score = 0.0
    if place and place.city:
        place_score = 0.85 if place.country or place.region else 0.6
    complete_jobs = sum(1 for e in experiences if e.start and e.title and e.company)
    complete_schools = sum(1 for e in educations if e.institution and (e.degree or e.field))
    return {
        "name": name_score,
        "email": 1.0 if email else 0.0,
        "phone": (0.95 if e164 else 0.5) if phone else 0.0,
        "location": place_score,
        "headline": 0.7 if headline else 0.0,
        "experiences": round(complete_jobs / len(experiences), 2) if experiences else 0.0,
        "educations": round(complete_schools / len(educations), 2) if educations else 0.0,
        "skills": (0.85 if skills_from_section else 0.55) if skills else 0.0,
    }
