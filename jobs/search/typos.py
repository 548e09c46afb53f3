"""Typo correction for the PostgreSQL backend: a vocabulary of indexed words (`SearchTerm`,
trigram GiST index) and the nearest word to each unknown query word ("pyhton" → "python")."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from jobs.search.counts import CountsCache
from jobs.search.terms import plain_words
from resumes.skills import all_skills, normalize_skill

MIN_CORRECTABLE = 4  # shorter words are left alone ("go", "ux", "sql")

_VOCABULARY_SQL = """
INSERT INTO jobs_searchterm (word)
SELECT DISTINCT w FROM jobs_job j,
    unnest(tsvector_to_array(to_tsvector('simple', j.title || ' ' || j.description))) w
WHERE j.id = ANY(%s) AND w ~ '^[a-z]{4,64}$'
ON CONFLICT DO NOTHING
"""
_NEAREST_SQL = """
SELECT word FROM jobs_searchterm ORDER BY word <-> %s LIMIT 10
"""


# Words known to be in the committed vocabulary, per database: it only grows (words are
# added, never removed), so a known word needs no round trip again.
_known = CountsCache(size=50000)


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: a swap of two neighbours ("pyhton") costs one."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def add_vocabulary(job_ids: Sequence[int]) -> None:
    """The words of these jobs' titles and descriptions, as typo-correction targets."""
    with connection.cursor() as cursor:
        cursor.execute(_VOCABULARY_SQL, [list(job_ids)])


def add_taxonomy_vocabulary() -> None:
    """Skill names and aliases are words worth correcting to, even before any job uses them."""
    words = {
        word
        for skill in all_skills()
        for text in (skill.name, skill.slug, *skill.aliases)
        for word in plain_words(text)
        if len(word) >= MIN_CORRECTABLE and word.isalpha()
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO jobs_searchterm (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
            [sorted(words)],
        )


def correct_words(words: list[str]) -> list[str]:
    """Each unknown word replaced by its nearest vocabulary word within one or two edits."""
    candidates = [
        w for w in words if len(w) >= MIN_CORRECTABLE and w.isalpha() and normalize_skill(w) is None
    ]
    if not candidates:
        return words
    database = connection.settings_dict["NAME"]
    unknown = [w for w in candidates if _known.get((database, w)) is None]
    if not unknown:
        return words
    with connection.cursor() as cursor:
        # Remembered only when read outside a transaction that wrote (which may roll back).
        cursor.execute(
            "SELECT word, pg_current_xact_id_if_assigned() IS NULL FROM jobs_searchterm"
            " WHERE word = ANY(%s)",
            [unknown],
        )
        known = set()
        for word, committed in cursor.fetchall():
            known.add(word)
            if committed:
                _known.put((database, word), True)
        replacements: dict[str, str] = {}
        for word in unknown:
            if word in known or word in replacements:
                continue
            cursor.execute(_NEAREST_SQL, [word])
            nearest = [row[0] for row in cursor.fetchall()]
            # Nearest by trigrams first, then by edits; ties keep the trigram order.
            best = min(
                nearest,
                key=lambda other: (edit_distance(word, other), nearest.index(other)),
                default=None,
            )
            if best is not None and edit_distance(word, best) <= (1 if len(word) < 6 else 2):
                replacements[word] = best
    return [replacements.get(w, w) for w in words]
