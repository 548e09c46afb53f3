"""Reading a free-text query: which words name taxonomy skills, which are plain words.

Both backends use it: a skill ("JS", "node js") is matched against the jobs' skill slugs, so
"excel" finds Excel jobs and not every posting that asks for "excellent" communication.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from resumes.skills import normalize_skill

MAX_QUERY_WORDS = 12
MAX_SKILL_WORDS = 3
# Words of a query: letters/digits with the symbols of skill names (C++, C#, Node.js).
_WORD_RE = re.compile(r"[^\W_][\w+#]*(?:[.\-][^\W_][\w+#]*)*")


@dataclass(frozen=True)
class Term:
    text: str  # as written (lower case)
    skill: str | None  # taxonomy slug when the words name a skill


def query_words(q: str) -> list[str]:
    return [m.group(0).casefold() for m in _WORD_RE.finditer(q)][:MAX_QUERY_WORDS]


def plain_words(text: str) -> list[str]:
    """Alphanumeric parts only (what a text search configuration's parser keeps)."""
    return re.findall(r"[a-z0-9]+", text.casefold())


def read_terms(words: list[str]) -> list[Term]:
    """Greedy longest match of skill names over the words ("machine learning" is one skill)."""
    terms: list[Term] = []
    i = 0
    while i < len(words):
        for size in range(min(MAX_SKILL_WORDS, len(words) - i), 0, -1):
            text = " ".join(words[i : i + size])
            slug = normalize_skill(text)
            if slug:
                terms.append(Term(text=text, skill=slug))
                i += size
                break
        else:
            terms.append(Term(text=words[i], skill=None))
            i += 1
    return terms
