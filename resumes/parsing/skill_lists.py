"""Skills as a resume lists them: one item per list entry, split however the layout joined them.

The items keep the resume's wording (lower-cased; the evaluation compares that form) and are
normalized against the whole taxonomy (`listed_mentions`), where an ESCO phrase such as "manage
a team" counts because a person listed it.
"""

from __future__ import annotations

import re

from resumes.parsing.lines import strip_bullet
from resumes.skills import SkillMention, is_common_skill, normalize_skill

# OCR reads a "·" between skills as a lone ".", "—" or "_".
_SKILL_SPLIT_RE = re.compile(r"\s*(?:[,;|•·●▪]|\s[-\u2013\u2014._]\s|\s[_\u2014]+|\t)\s*")
_LEVELS = (
    r"beginner|novice|intermediate|advanced|expert|master|proficient|familiar|basic|fluent|"
    r"native|senior|junior|mid-level|lead|working knowledge"
)
_DATES_ONLY_RE = re.compile(r"[\d\s/.\-\u2013\u2014]+|(?i:present|current)")
_SKILL_LEVEL_RE = re.compile(rf"^(?:{_LEVELS})$", re.IGNORECASE)
_TRAILING_LEVEL_RE = re.compile(rf"(?:\s+(?:{_LEVELS}))+$", re.IGNORECASE)


def skill_items(lines: list[str]) -> list[str]:
    """Skills as printed in a skills section: one per list item, lower-cased."""
    items: list[str] = []
    for raw in lines:
        line = strip_bullet(raw)
        line = re.sub(
            r"^[^:]{1,40}:\s+", lambda m: m.group(0) if "http" in m.group(0) else "", line
        )
        if not line or line.lower() in {"keywords", "skills"}:
            continue
        line = _TRAILING_LEVEL_RE.sub("", line)
        pieces = [_strip_item(p) for p in _SKILL_SPLIT_RE.split(line)]
        if len(pieces) == 1 and len(line.split()) >= 3:
            pieces = [_strip_item(p) for p in _split_by_taxonomy(line)]
        else:
            # Two columns of a skills grid run together ("NextJS · Angular iOS · KMM"): a
            # piece made only of known skills, and not one itself, is those skills.
            pieces = [q for p in pieces for q in _split_known(p)]
        for piece in pieces:
            if (
                piece
                and not _SKILL_LEVEL_RE.match(piece)
                and not _DATES_ONLY_RE.fullmatch(piece)
                and len(piece) <= 60
                and not piece.endswith(".")
                and (len(piece) > 2 or is_common_skill(piece))  # not OCR debris ("ae", "=")
                and any(ch.isalpha() for ch in piece)
            ):
                items.append(piece.lower())
    return list(dict.fromkeys(items))


def _strip_item(item: str) -> str:
    item = item.strip(" .:_~=»«©\"'`-\u2014")
    if item.endswith(")") and "(" not in item:
        item = item[:-1]
    if item.startswith("(") and ")" not in item:
        item = item[1:]
    return item.strip()


def _split_known(piece: str) -> list[str]:
    if len(piece.split()) < 2 or is_common_skill(piece):
        return [piece]
    parts = _split_by_taxonomy(piece, minimum=2)
    return parts if all(is_common_skill(p) for p in parts) else [piece]


_HEAD_NOUNS = {
    "testing", "development", "design", "engineering", "management", "analysis", "analytics",
    "administration", "architecture", "automation", "integration", "modeling", "modelling",
}  # fmt: skip


def _split_by_taxonomy(line: str, *, minimum: int = 3) -> list[str]:
    """Split "HTML CSS Javascript" into known skills when most words are taxonomy names.

    Longest known names first ("Ruby on Rails" stays one skill); unknown words that follow
    each other stay together.
    """
    words = line.split()
    if len(words) < minimum:
        return [line]
    pieces: list[str] = []
    unknown: list[str] = []
    known_words = 0
    i = 0
    while i < len(words):
        for size in range(min(4, len(words) - i), 0, -1):
            candidate = " ".join(words[i : i + size])
            if is_common_skill(candidate):
                if unknown:
                    pieces.append(" ".join(unknown))
                    unknown = []
                pieces.append(candidate)
                known_words += size
                i += size
                break
        else:
            unknown.append(words[i])
            i += 1
    if unknown:
        pieces.append(" ".join(unknown))
    known_pieces = len(pieces) - sum(1 for p in pieces if not is_common_skill(p))
    if not (known_pieces >= 2 and known_words * 2 >= len(words)):
        return [line]
    # A generic head noun closes the skill before it: "API Testing", "Web Development".
    merged: list[str] = []
    for piece in pieces:
        before = merged[-1].split() if merged else ["testing"]
        if (
            piece.lower() in _HEAD_NOUNS
            and len(before) <= 2
            and before[-1].lower() not in _HEAD_NOUNS
        ):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def listed_mentions(items: list[str], lines: list[str]) -> list[SkillMention]:
    """Taxonomy skills among the items of a skills list. Here the whole item is the skill, so
    every taxonomy entry counts, also the ESCO phrases never looked for in prose ("project
    planning", "negotiate contracts")."""
    mentions = []
    for item in items:
        slug = normalize_skill(item)
        if slug:
            line = next((x for x in lines if item in x.lower()), item)
            at = line.lower().find(item)
            written = line[at : at + len(item)] if at >= 0 else item
            mentions.append(SkillMention(slug=slug, text=written, line=line))
    return mentions
