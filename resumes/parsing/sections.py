"""Split resume text into sections by their headings.

A heading is a short line made of a known section name, in any case ("WORK EXPERIENCE",
"Work experience:", "Work Experience (5)"). Some layouts print the heading on the same line as
the first entry ("Education  University of Oklahoma"); such an inline heading is accepted once
per section, when the heading word is capitalised and the rest of the line is short.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from resumes.parsing.dates import RANGE_RE

# Canonical section -> headings as printed (lower case, words only).
SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary",
        "about",
        "about me",
        "profile",
        "professional profile",
        "professional summary",
        "career summary",
        "executive summary",
        "objective",
        "career objective",
        "overview",
        "introduction",
        "personal statement",
        "bio",
    ),
    "contact": (
        "contact",
        "contacts",
        "contact me",
        "contact info",
        "contact information",
        "contact details",
        "personal information",
        "personal details",
        "personal info",
    ),
    "profiles": (
        "profiles",
        "links",
        "social",
        "social media",
        "online",
        "online profiles",
        "social profiles",
    ),
    "work": (
        "work",
        "experience",
        "experiences",
        "work experience",
        "work experiences",
        "professional experience",
        "relevant experience",
        "employment",
        "employment history",
        "work history",
        "career history",
        "career",
        "professional background",
        "positions",
        "positions held",
        "experience and employment",
    ),
    "education": (
        "education",
        "educations",
        "academic background",
        "academics",
        "education and training",
        "academic qualifications",
        "qualifications",
        "studies",
        "academic history",
        "education history",
    ),
    "skills": (
        "skills",
        "skill",
        "technical skills",
        "key skills",
        "core skills",
        "core competencies",
        "competencies",
        "technologies",
        "tech stack",
        "technical proficiencies",
        "skills and expertise",
        "skills expertise",
        "expertise",
        "skill set",
        "skillset",
        "areas of expertise",
        "tools and technologies",
        "technical expertise",
    ),
    "languages": (
        "languages",
        "language",
        "language skills",
        "spoken languages",
        "language proficiency",
    ),
    "projects": (
        "projects",
        "personal projects",
        "side projects",
        "selected projects",
        "open source",
    ),
    "volunteer": ("volunteer", "volunteering", "volunteer experience", "volunteer work"),
    "awards": (
        "awards",
        "honors",
        "honours",
        "achievements",
        "awards and honors",
        "honors and awards",
        "accomplishments",
    ),
    "publications": (
        "publications",
        "selected publications",
        "papers",
        "talks",
        "presentations",
        "patents",
    ),
    "certificates": (
        "certificates",
        "certifications",
        "certification",
        "licenses",
        "licenses and certifications",
    ),
    "interests": ("interests", "hobbies", "hobbies and interests", "personal interests"),
    "references": ("references", "referees", "recommendations"),
    "courses": ("courses", "coursework", "relevant coursework", "trainings", "training"),
    "activities": (
        "activities",
        "extracurricular activities",
        "memberships",
        "organizations",
        "affiliations",
    ),
}
# Spoken languages, to tell a languages section from a group of programming languages.
LANGUAGE_NAMES = {
    "english", "spanish", "french", "german", "italian", "portuguese", "dutch", "swedish",
    "norwegian", "danish", "finnish", "polish", "czech", "slovak", "hungarian", "romanian",
    "bulgarian", "greek", "turkish", "russian", "ukrainian", "serbian", "croatian", "bosnian",
    "slovenian", "albanian", "arabic", "hebrew", "persian", "farsi", "urdu", "hindi", "bengali",
    "bangla", "punjabi", "gujarati", "marathi", "tamil", "telugu", "kannada", "malayalam",
    "sinhala", "nepali", "chinese", "mandarin", "cantonese", "japanese", "korean", "vietnamese",
    "thai", "indonesian", "malay", "tagalog", "filipino", "swahili", "amharic", "yoruba",
    "hausa", "igbo", "zulu", "afrikaans", "catalan", "basque", "galician", "irish", "welsh",
    "icelandic", "estonian", "latvian", "lithuanian", "georgian", "armenian", "azerbaijani",
    "kazakh", "uzbek", "mongolian", "latin", "esperanto", "berber", "tamazight", "creole",
    "sign language", "asl",
}  # fmt: skip
_HEADING_TO_SECTION = {h: s for s, hs in SECTION_HEADINGS.items() for h in hs}
_MAX_HEADING_WORDS = max(len(h.split()) for h in _HEADING_TO_SECTION)
_COUNT_SUFFIX_RE = re.compile(r"\s*[(\[]\s*\d+\s*[)\]]\s*$")


@dataclass
class Section:
    kind: str  # canonical name; "header" for the lines before the first heading
    heading: str
    lines: list[str] = field(default_factory=list)


def _words(text: str) -> str:
    text = text.replace("&", " and ")
    return " ".join(re.findall(r"[^\W\d_]+", text.lower()))


def heading_of(line: str) -> str | None:
    """The section a line names, when the whole line is a heading.

    Side-by-side headings of two columns ("ABOUT <tab> CONTACT") count as the first one.
    """
    cells = [c for c in line.split("\t") if c.strip()]
    if len(cells) > 1:
        kinds = [heading_of(c) for c in cells]
        return kinds[0] if all(kinds) else None
    stripped = _COUNT_SUFFIX_RE.sub("", line.strip()).strip(" :·•|-_=#*")
    if not stripped or len(stripped) > 40 or stripped.endswith("."):
        return None
    words = _words(stripped)
    kind = _HEADING_TO_SECTION.get(words)
    if (
        kind is None
        and len(words.split()) in (2, 3)
        and words.endswith(" skills")
        and not set(words.split()) & {"i", "my", "we", "our", "your", "have", "has", "with"}
    ):
        return "skills"  # "Programming skills", "Soft Skills", "IT skills"
    return kind


_FIRST_WORDS = {h.split()[0] for h in _HEADING_TO_SECTION}


def _inline_heading(line: str) -> tuple[str, str] | None:
    """(section, rest) when a line starts with a capitalised heading followed by content."""
    words = line.strip().split()
    if not words or words[0].lower().strip(":") not in _FIRST_WORDS:
        return None
    for size in range(min(_MAX_HEADING_WORDS, len(words) - 1), 0, -1):
        head = words[:size]
        if (
            not all(w[:1].isupper() for w in head if w.isalpha() and len(w) > 3)
            or not head[0][:1].isupper()
        ):
            continue
        if head[-1].endswith(":"):
            # "Technical Skills: Go, Rust" inside a job description is a label, not a heading.
            continue
        section = _HEADING_TO_SECTION.get(_words(" ".join(head)))
        rest = " ".join(words[size:])
        # "Languages and" / "Frameworks": a phrase wrapped in a narrow column, no heading.
        # "Languages and Frameworks", "Skills & Tools": one phrase, no heading either.
        wrapped = rest.lower().split()[0] in {"and", "&", "of", "for", "/", "or"} if rest else False
        if section and len(rest.split()) <= 8 and not rest.endswith(".") and not wrapped:
            return section, rest
    return None


# Words that make "<word> Languages" the name of a skills group, not the spoken languages.
_LANGUAGE_GROUPS = {"programming", "scripting", "query", "markup", "computer", "coding"}


def split_sections(lines: list[str]) -> list[Section]:
    sections = [Section(kind="header", heading="")]
    seen: set[str] = set()
    for line in lines:
        if not line.strip():
            # A blank line (a page break in PDF text): what follows may continue another
            # column's section; _attach_continuations decides.
            if sections[-1].lines or sections[-1].heading:
                sections.append(Section(kind=_CONTINUED, heading=""))
            continue
        kind = heading_of(line)
        if kind == "skills" and sections[-1].kind == "skills" and sections[-1].lines:
            # "Technical Skills" inside a skills section names a group of skills.
            kind = None
        if (
            kind == "languages"
            and sections[-1].kind == "skills"
            and sections[-1].lines
            and sections[-1].lines[-1].strip().lower() in _LANGUAGE_GROUPS
        ):
            # "Programming" / "Languages": a group of skills wrapped in a narrow column.
            sections[-1].lines[-1] = f"{sections[-1].lines[-1].strip()} {line.strip()}"
            continue
        if kind == "courses" and sections[-1].kind == "education":
            # The courses of one degree: a label inside its education entry.
            kind = None
        if kind:
            sections.append(Section(kind=kind, heading=line.strip()))
            seen.add(kind)
            continue
        inline = _inline_heading(line) if len(sections) > 1 or sections[0].lines else None
        if inline and inline[0] not in seen and inline[0] not in ("summary", "contact", "profiles"):
            kind, rest = inline
            sections.append(Section(kind=kind, heading=line.strip(), lines=[rest]))
            seen.add(kind)
            continue
        if (
            sections[-1].kind in _SIDE_KINDS
            and sections[-1].lines
            and _has_date_range(line, RANGE_RE)
            and _is_entry_header(line)
        ):
            # "Stantec  04/2012 - 08/2014" after the side column's interests: the main
            # column's entries go on (_attach_continuations gives them back to work).
            sections.append(Section(kind=_CONTINUED, heading=""))
        sections[-1].lines.append(line)
    return _merge_skill_groups(_attach_continuations(sections))


def _is_entry_header(line: str) -> bool:
    """A short line around a date range ("Stantec 04/2012 - 08/2014"), not a sentence."""
    rest = RANGE_RE.sub(" ", line).strip(" \t-|,")
    return 0 < len(rest.split()) <= 8 and not rest.endswith(".") and rest[:1].isupper()


# Side-column sections that never hold dated entries.
_SIDE_KINDS = {"interests", "languages", "skills", "contact", "profiles", "references"}


_CONTINUED = "continued"
_ENTRY_LABELS = {"highlights", "responsibilities", "achievements", "key achievements", "tasks"}
_HIGHLIGHTED = {"work", "volunteer", "projects"}  # sections whose entries list highlights
_DATED_SECTIONS = {"work", "education", "projects", "volunteer", "awards", "publications"}


def _attach_continuations(sections: list[Section]) -> list[Section]:
    """Give text after a page break to the section it continues.

    Usually that is the section before the break. In two-column layouts the page ends with
    the side column (skills, interests), and dated entries at the top of the next page
    continue the work history instead.
    """
    merged: list[Section] = []
    for section in sections:
        if section.kind != _CONTINUED:
            merged.append(section)
            continue
        previous = merged[-1]
        dated = sum(1 for line in section.lines if _has_date_range(line, RANGE_RE))
        work = next((s for s in reversed(merged) if s.kind == "work"), None)
        entries = next((s for s in reversed(merged) if s.kind in _HIGHLIGHTED), None)
        first = section.lines[0].strip().lower().rstrip(":") if section.lines else ""
        if first in _ENTRY_LABELS and previous.kind not in _DATED_SECTIONS and entries:
            # "Highlights" after a page break that ended in a side column: the rest of the
            # last entry of the dated section the page ran on.
            entries.lines.extend(section.lines)
        elif dated >= 1 and previous.kind not in _DATED_SECTIONS and work is not None:
            work.lines.extend(section.lines)
        else:
            previous.lines.extend(section.lines)
    return merged


def _has_date_range(line: str, range_re: re.Pattern[str]) -> bool:
    """A closed range ("2019 - 2021", "Jan 2020 - Present"), not a course code ("ECE 2025 -")."""
    return any(m.group("end") for m in range_re.finditer(line))


def _merge_skill_groups(sections: list[Section]) -> list[Section]:
    """A "Languages" group inside a skills section lists programming languages: keep it there."""
    merged: list[Section] = []
    for section in sections:
        previous = merged[-1] if merged else None
        spoken = any(
            word in LANGUAGE_NAMES for line in section.lines for word in _words(line).split()
        )
        if section.kind == "languages" and previous and previous.kind == "skills" and not spoken:
            previous.lines.append(section.heading)
            previous.lines.extend(section.lines)
            continue
        merged.append(section)
    return merged
