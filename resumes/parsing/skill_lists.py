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


def is_skill_level(text: str) -> bool:
    """A proficiency printed beside a skill group ("Master", "Intermediate")."""
    return bool(_SKILL_LEVEL_RE.match(text.strip()))


def skill_items(lines: list[str]) -> list[str]:
    """Skills as printed in a skills section: one per list item, lower-cased."""
    items: list[str] = []
    for raw in _join_wrapped_items(lines):
        line = strip_bullet(raw)
        line = re.sub(
            r"^[^:]{1,40}:\s+", lambda m: m.group(0) if "http" in m.group(0) else "", line
        )
        if not line or line.lower() in {"keywords", "skills"}:
            continue
        line = _TRAILING_LEVEL_RE.sub("", line)
        pieces = [_strip_item(p) for p in _SKILL_SPLIT_RE.split(line)]
        if len(pieces) == 1 and len(line.split()) >= 2:
            pieces = [_strip_item(p) for p in _split_by_taxonomy(line, minimum=2)]
        else:
            # Two columns of a skills grid run together ("NextJS · Angular iOS · KMM"): a
            # piece made only of known skills, and not one itself, is those skills.
            pieces = [_strip_item(q) for p in pieces for q in _split_known(p)]
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


# Lower case only: "Interfaced With" names a group of skills.
_WRAP_END_RE = re.compile(r"(?:\s/|\s(?:of|and|&|with|for|in|to|on))$")


def _join_wrapped_items(lines: list[str]) -> list[str]:
    """A chip a narrow column wrapped after a joiner ("An Unhealthy Amount of" / "Pytest",
    "Python/Etc Packaging /" / "App Dev") is one item again."""
    out: list[str] = []
    for line in lines:
        if out and _WRAP_END_RE.search(out[-1].rstrip()) and line.strip():
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
    return out


_SPACED_JS_RE = re.compile(r"(?<=\w)\.?\s+(js)$", re.IGNORECASE)


def _strip_item(item: str) -> str:
    item = item.strip(" .:_~=»«©\"'`-\u2014")
    # OCR loses or spaces the dot of ".js" names: "Next js", "Node. js" are Next.js, Node.js.
    item = _SPACED_JS_RE.sub(r".\1", item)
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


# A version after a name ("MoveIt 2", "Angular 1/2", "Oracle 9i/10g/11g", "Python 3.11").
_VERSION_RE = re.compile(r"v?\d+(?:[./]\d+)*[a-z]?(?:/\d+[a-z]?)*", re.IGNORECASE)
# A product name by its spelling: digits, a capital or a dot inside, + or # ("Nav2", "NeoLoad",
# "JMeter", "Vert.x", "Serverless.io", "C#"). Plain words ("Charles Proxy") are not.
_PRODUCT_RE = re.compile(
    r"^(?=.*[A-Za-z])(?:.*\d|.*[a-z][A-Z]|[A-Z][A-Z][a-z]|.*\w\.\w|.*[+#]|[A-Z]{2,}$)"
)


_WORDLIKE_RE = re.compile(r"[^\W_]")
_JOINERS = {"/", "&", "+", "and", "or", "with", "of", "in", "for", "on", "to", "-", "|"}


def _is_product(word: str) -> bool:
    return bool(_PRODUCT_RE.match(word)) and not _VERSION_RE.fullmatch(word)


def _is_known(word: str) -> bool:
    """A taxonomy skill, or a slashed pair whose first half is one ("ROS/ROS2")."""
    return is_common_skill(word) or ("/" in word and is_common_skill(word.split("/")[0]))


def _split_plain_runs(pieces: list[str], kinds: list[str]) -> tuple[list[str], list[str]]:
    """Unknown multi-word chips in a row, told apart by their shape: each ends with a generic
    head noun ("Context Driven Testing Modern Testing") or starts with the same word
    ("Quantum Mechanics Quantum Computing"). Pieces found so count as skills."""
    out_pieces: list[str] = []
    out_kinds: list[str] = []
    for piece, kind in zip(pieces, kinds, strict=True):
        words = piece.split()
        parts: list[list[str]] = [[]]
        if kind == "plain" and len(words) >= 4:
            first = words[0].lower()
            for n, word in enumerate(words):
                if parts[-1] and word.lower() == first:
                    parts.append([])
                parts[-1].append(word)
                if word.lower() in _HEAD_NOUNS and len(parts[-1]) >= 2 and n + 2 < len(words):
                    parts.append([])
        if len(parts) >= 2 and all(len(part) >= 2 for part in parts):
            out_pieces += [" ".join(part) for part in parts]
            out_kinds += ["product"] * len(parts)
        else:
            out_pieces.append(piece)
            out_kinds.append(kind)
    return out_pieces, out_kinds


def _split_by_taxonomy(line: str, *, minimum: int = 3) -> list[str]:
    """Split a row of skill chips joined by spaces ("HTML CSS Javascript", "Vert.x AWS
    LINKERD", "Postman Charles Proxy NeoLoad JMeter") into its skills.

    Longest known names first ("Ruby on Rails" stays one skill); a version stays with the name
    before it ("MoveIt 2"); among unknown words, a product-like spelling ("NeoLoad", "Nav2")
    stands alone while plain words that follow each other stay together ("Charles Proxy").
    The row is split only when the known and product-like pieces carry it.
    """
    words = line.split()
    if len(words) < minimum:
        return [line]
    shaped, _kinds = _split_plain_runs([line], ["plain"])
    if len(shaped) > 1:
        return [q for part in shaped for q in _split_by_taxonomy(part, minimum=2)]
    pieces: list[str] = []
    kinds: list[str] = []  # "known", "product" or "plain" for each piece
    i = 0
    while i < len(words):
        for size in range(min(4, len(words) - i), 0, -1):
            candidate = " ".join(words[i : i + size])
            if not (_WORDLIKE_RE.search(words[i]) and _WORDLIKE_RE.search(words[i + size - 1])):
                continue  # "Azure Event Hubs /": a name never ends with a lone joiner
            if (size > 1 and is_common_skill(candidate)) or (size == 1 and _is_known(candidate)):
                kind = "known"
                break
        else:
            size, candidate = 1, words[i]
            if candidate.lower() in _JOINERS:
                # "Azure Event Hubs / Kafka", "NPM and Gulp Build Systems": one item, joined.
                return [line]
            kind = "product" if _is_product(candidate) else "plain"
        version = size == 1 and _VERSION_RE.fullmatch(candidate)
        if pieces and (version or (kind == "plain" and kinds[-1] == "plain")):
            # A version goes with the name before it; plain unknown words stay together.
            pieces[-1] = f"{pieces[-1]} {candidate}"
        else:
            pieces.append(candidate)
            kinds.append(kind)
        i += size
    pieces, kinds = _split_plain_runs(pieces, kinds)
    known = kinds.count("known")
    strong = known + kinds.count("product")
    plain_words = sum(len(p.split()) for p, k in zip(pieces, kinds, strict=True) if k == "plain")
    plain = [p for p, k in zip(pieces, kinds, strict=True) if k == "plain"]
    # Unknown words between known chips: lone words are chips of their own ("Debugging Git
    # GitLab"); a longer unknown phrase needs more known chips around it to be split off.
    lone = all(len(p.split()) == 1 for p in plain)
    if strong < 2 or (plain and (known == 0 or (strong < 3 and not lone))):
        return [line]
    if plain_words * 2 > len(words):
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
