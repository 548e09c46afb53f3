"""Skills taxonomy and normalizer, shared by resume parsing and job analysis.

The taxonomy (`resumes/data/taxonomy.json.gz`, built by `scripts/build_skills_taxonomy.py`, see
docs/skills.md) merges the hand-curated technology skills of `resumes/data/skills.json` (canonical
names, aliases, case rules; they win every clash) with about 13,000 ESCO skills (European
Commission, CC BY 4.0). It is read once per process. Two lookups are built from it:

- `normalize_skill(raw)` maps one skill as a person wrote it ("JS", "Java Script", "node js")
  to its canonical slug. The whole input is the skill, so ambiguous aliases ("go", "r") are
  accepted here.
- `find_skills(text)` finds taxonomy skills mentioned in free text. Here an alias must match
  whole tokens, ambiguous short names must be written with their usual case ("Go", "R", "C",
  "Swift"), and aliases marked `normalize_only` in the data ("word", "cloud") are ignored,
  because in a sentence they are mostly ordinary words. ESCO skills marked `match: "list"`
  ("manage a team", "ethics") and every ESCO alternative label count only through
  `normalize_skill`, i.e. when a person lists them as a skill: in prose they are ordinary
  phrases. ESCO names with capitals ("SQL Server", "Capture One") must keep their case.

Tokens keep the characters that make tricky names distinct (C++, C#, .NET, Node.js, CI/CD), so
word boundaries come from the tokenizer rather than from one huge regular expression.
"""

from __future__ import annotations

import gc
import gzip
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path

TAXONOMY_PATH = Path(__file__).resolve().parent / "data" / "taxonomy.json.gz"
MAX_ALIAS_TOKENS = 5

# A token: an optional leading dot (".NET"), then letters/digits with + and # allowed inside or
# at the end (C++, C#, F#), joined by inner dots or hyphens (Node.js, scikit-learn). Slashes
# separate tokens, so "HTML/CSS" holds two skills while "CI/CD" is the alias "ci cd". A trailing
# sentence period is not part of the token.
_TOKEN_RE = re.compile(r"\.?[^\W_][\w+#]*(?:[.\-][^\W_][\w+#]*)*")
# What may separate the tokens of one multi-word alias.
_ALIAS_GAP_RE = re.compile(r"[ \t/]*")
# Characters that may surround a one-letter skill ("R", "C") for it to count as a skill name.
_SINGLE_LETTER_NEIGHBOURS = set(" \t,;/|()[]·•:")


@dataclass(frozen=True)
class Skill:
    slug: str
    name: str
    category: str
    aliases: tuple[str, ...]
    case_sensitive: tuple[str, ...] = ()
    esco: str = ""  # the ESCO concept id (data.europa.eu/esco/skill/<id>), for ESCO skills


@dataclass(frozen=True)
class SkillMention:
    slug: str
    text: str
    line: str


@dataclass(frozen=True)
class _Index:
    skills: dict[str, Skill]
    by_key: dict[str, str]  # normalized alias -> slug (normalize_skill)
    by_squashed: dict[str, str]  # alias without spaces/dots/hyphens -> slug
    in_text: dict[str, str]  # aliases usable in free text -> slug
    longest: dict[str, int]  # first token of a free-text alias -> most tokens of such an alias
    cased: dict[str, frozenset[str]]  # key -> exact spellings required in free text
    list_only: frozenset[str]  # slugs of ESCO skills that count only when listed


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN_RE.finditer(text))


def _key(text: str) -> str:
    return " ".join(_TOKEN_RE.findall(text.casefold()))


def _squash(text: str) -> str:
    return re.sub(r"[\s.\-_]+", "", text.casefold())


@cache
def _index() -> _Index:
    data = json.loads(gzip.decompress(TAXONOMY_PATH.read_bytes()).decode("utf-8"))
    skills: dict[str, Skill] = {}
    by_key: dict[str, str] = {}
    by_squashed: dict[str, str] = {}
    in_text: dict[str, str] = {}
    cased: dict[str, set[str]] = {}
    # Every curated form and every ESCO name first, ESCO alternative labels last: a name
    # ("English", "ethics") wins over another skill's alternative label.
    later: list[tuple[str, str]] = []
    list_only: set[str] = set()
    for row in data["skills"]:
        skill = Skill(
            slug=row["slug"],
            name=row["name"],
            category=row["category"],
            aliases=tuple(row.get("aliases", ())),
            case_sensitive=tuple(row.get("case_sensitive", ())),
            esco=row.get("esco", ""),
        )
        skills[skill.slug] = skill
        if skill.esco:
            key = _key(skill.name)
            by_key.setdefault(key, skill.slug)
            by_squashed.setdefault(_squash(skill.name), skill.slug)
            later += [(alias, skill.slug) for alias in skill.aliases]
            if row.get("match") == "list":
                list_only.add(skill.slug)
            # Only the name is looked for in prose, only when marked so, with its capitals.
            in_prose = row.get("match") != "list" and len(key.split()) <= MAX_ALIAS_TOKENS
            claimed = in_prose and in_text.setdefault(key, skill.slug) == skill.slug
            if claimed and not skill.name.islower():
                cased.setdefault(key, set()).add(skill.name)
            continue
        normalize_only = {_key(a) for a in row.get("normalize_only", ())}
        for form in (skill.name, skill.slug, *skill.aliases):
            key = _key(form)
            if not key:
                continue
            by_key.setdefault(key, skill.slug)
            by_squashed.setdefault(_squash(form), skill.slug)
            if key not in normalize_only and len(key.split()) <= MAX_ALIAS_TOKENS:
                in_text.setdefault(key, skill.slug)
        for spelling in skill.case_sensitive:
            cased.setdefault(_key(spelling), set()).add(spelling)
    for alias, slug in later:
        by_key.setdefault(_key(alias), slug)
        by_squashed.setdefault(_squash(alias), slug)
    longest: dict[str, int] = {}
    for key in in_text:
        first, size = key.split()[0], len(key.split())
        longest[first] = max(longest.get(first, 0), size)
    index = _Index(
        longest=longest,
        skills=skills,
        by_key=by_key,
        by_squashed=by_squashed,
        in_text=in_text,
        cased={k: frozenset(v) for k, v in cased.items()},
        list_only=frozenset(list_only),
    )
    # The index is a few hundred thousand objects that live as long as the process. Left in
    # the collector's generations, every full collection walks them again: parse p95 was 22 ms
    # with them tracked and 15 ms frozen (dev text PDFs). Freeze what exists now, once.
    gc.collect()
    gc.freeze()
    return index


def all_skills() -> list[Skill]:
    return list(_index().skills.values())


def get_skill(slug: str) -> Skill | None:
    return _index().skills.get(slug)


@lru_cache(maxsize=65_536)  # the taxonomy never changes in a process; resumes repeat names
def normalize_skill(raw: str) -> str | None:
    """Canonical slug of one skill name as written, or None when the taxonomy lacks it."""
    index = _index()
    key = _key(raw)
    if not key:
        return None
    slug = index.by_key.get(key) or index.by_squashed.get(_squash(raw))
    if slug:
        return slug
    # "Python 3", "React (hooks)": retry without a trailing version or parenthesis.
    trimmed = re.sub(r"\s*(\(.*\)|v?\d+(\.\d+)*)\s*$", "", raw.strip())
    if trimmed and trimmed != raw.strip():
        return normalize_skill(trimmed)
    return None


@lru_cache(maxsize=65_536)
def is_common_skill(raw: str) -> bool:
    """Whether `raw` names a skill that stands out even in running text: a curated technology
    skill or an ESCO concept marked for text ("SQL Server", "synthetic biology"), not an ESCO
    phrase that only a skills list makes a skill ("design", "manage a team"). The parser's
    layout guesses (is this line a list of skills?) rely on it."""
    index = _index()
    slug = normalize_skill(raw)
    if slug is None or slug in index.list_only:
        return False
    skill = index.skills[slug]
    # An ESCO skill by its name, not by one of its alternative labels ("applied").
    return not skill.esco or _key(raw) == _key(skill.name)


def _line_of(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start : line_end if line_end != -1 else len(text)].strip()


def _cased_ok(index: _Index, key: str, written: str) -> bool:
    spellings = index.cased.get(key)
    return spellings is None or written in spellings


def _single_letter_ok(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return (before in _SINGLE_LETTER_NEIGHBOURS or before == "\n") and (
        after in _SINGLE_LETTER_NEIGHBOURS or after in "\n."
    )


def find_skills(text: str) -> list[SkillMention]:
    """Taxonomy skills mentioned in `text`, each once (first mention), in order of appearance."""
    index = _index()
    tokens = _tokens(text)
    folded = [m.group(0).casefold() for m in tokens]
    found: dict[str, SkillMention] = {}
    i = 0
    while i < len(tokens):
        matched = 0
        most = index.longest.get(folded[i], 0)
        for size in range(min(most, len(tokens) - i), 0, -1):
            window = tokens[i : i + size]
            # Aliases never span lines or punctuation: both separate items in skills lists.
            if size > 1 and not all(
                _ALIAS_GAP_RE.fullmatch(text, a.end(), b.start()) for a, b in pairwise(window)
            ):
                continue
            key = " ".join(folded[i : i + size])
            slug = index.in_text.get(key)
            if slug is None:
                continue
            start, end = window[0].start(), window[-1].end()
            written = text[start:end]
            if not _cased_ok(index, key, written):
                continue
            if len(key) == 1 and not _single_letter_ok(text, start, end):
                continue
            if slug not in found:
                found[slug] = SkillMention(slug=slug, text=written, line=_line_of(text, start, end))
            matched = size
            break
        i += matched or 1
    return list(found.values())
