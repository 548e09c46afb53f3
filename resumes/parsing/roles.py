"""Which header field is which: job titles, company names and places, by their words.

An entry header arrives as a few short pieces ("Senior Engineer", "Acme Inc.", "Berlin,
Germany"); role nouns and title words mark the title, company words (Inc, Labs, University) the
company, and known countries, regions and US states a location.
"""

from __future__ import annotations

import re
from functools import lru_cache

from resumes.parsing.contacts import COUNTRIES, REGIONS, US_STATES

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


_REMOTE_RE = re.compile(r"(?:^|[\s/,(-]+)(?:remote|hybrid|on-?site|worldwide)\)?$", re.IGNORECASE)


def is_place(text: str) -> bool:
    t = text.strip(" ()")
    if t.lower() in COUNTRIES or t.lower() in REGIONS:
        return True
    remote = _REMOTE_RE.search(t)
    if remote:
        # "Remote", "Kuwait/Remote", "Berlin, Germany (Hybrid)": a place with the work mode.
        head = t[: remote.start()].strip(" ,/-(")
        # "Kuwait/Remote", not "Google Remote" (a company working remotely).
        one_word = re.fullmatch(r"[A-Z][\w.]*", head) and re.match(r"\s*[/,]", remote.group(0))
        return not head or is_place(head) or bool(one_word)
    parts = [p.strip() for p in re.split(r"[,/]", t)]
    last = parts[-1].lower()
    if len(parts) >= 2 and (last in COUNTRIES or parts[-1] in US_STATES or last in REGIONS):
        # A city has a few words: "Samsung AI Center Montreal Montreal, Quebec" is a company
        # with its place.
        city = parts[0].split()
        short = len(city) <= 2 or (len(city) == 3 and city[0].lower() in _CITY_PREFIXES)
        return all(p[:1].isupper() for p in parts if p) and short and not _company_score(parts[0])
    return False


_TRAILING_COUNTRY_RE = re.compile(
    r"\s(" + "|".join(re.escape(c) for c in sorted(COUNTRIES, key=len, reverse=True)) + r")$",
    re.IGNORECASE,
)


def _split_trailing_place(text: str) -> tuple[str, str]:
    """("Arcadia Redux", "Australia") from "Arcadia Redux Australia"; ("", "") if none."""
    # "City, ST" or "City, Country" after the name; a lone word only when it is a country
    # ("MDEIE Quebec" is a company name).
    remote = _REMOTE_RE.search(text)
    if remote and text[: remote.start()].strip() and " " in text.strip():
        # "DevPal Solutions Remote", "Acme (Remote)": the work mode after the name.
        head = text[: remote.start()].strip(" ,/-(")
        mode = text[remote.start() :].strip(" ,/-()")
        if re.match(r"\s*[/,]", remote.group(0)) and " " in head:
            # "ShopRaha Kuwait/Remote": the word joined to the mode is the place.
            head, where = head.rsplit(" ", 1)
            mode = f"{where}/{mode}"
        if head and not is_place(head):
            return head, mode
    comma = text.find(",")
    before = text[:comma].split() if comma > 0 else []
    if len(before) >= 2 and re.fullmatch(r" ?[A-Z][\w .,'-]*", text[comma + 1 :]):
        # The city is the word before the comma, or two words after a city prefix
        # ("In Motion Technology New Westminster, BC").
        size = 2 if before[-2].lower() in _CITY_PREFIXES else 1
        place = " ".join(before[-size:]) + text[comma:]
        if len(before) > size and is_place(place):
            return " ".join(before[:-size]), place.strip()
    m = _TRAILING_COUNTRY_RE.search(text)
    if m and text[: m.start()].strip():
        return text[: m.start()].strip(" ,"), m.group(1)
    return "", ""


# A grade after a role ("Engineer II", "Developer 3", "Analyst Level 2").
_GRADE_RE = re.compile(r"(?:\s+(?:level\s+)?(?:[ivx]{1,4}|\d{1,2}))+$", re.IGNORECASE)


def _role_chunks(text: str) -> list[list[str]]:
    parts = re.split(r"[,/&(]| and ", text)
    return [re.findall(r"[\w+#-]+", _GRADE_RE.sub("", c.strip()).lower()) for c in parts]


@lru_cache(maxsize=4096)  # pure; one header part is tested several times
def _has_role(text: str) -> bool:
    """Whether a role noun ends the text or one of its parts ("Senior Engineer, Data"),
    before a grade ("Senior Process Engineer II")."""
    return any(chunk and chunk[-1] in ROLE_NOUNS for chunk in _role_chunks(text))


def _title_score(text: str) -> int:
    """Title words count once; a role noun ending the text ("... Engineer") counts more."""
    words = re.findall(r"[\w+#-]+", text.lower())
    score = sum(w in TITLE_WORDS for w in words)
    if _has_role(text):
        score += 2
    return score


def _company_score(text: str) -> int:
    """Company words written as part of a name ("Acme Company", not "a software company")."""
    words = re.findall(r"[\w-]+", text)
    return sum(w.lower() in COMPANY_WORDS for w in words if w[:1].isupper())


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
