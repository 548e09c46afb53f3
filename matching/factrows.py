"""`CandidateFacts` as the compact JSON array kept per profile in `matching_profilefacts`.

Building a candidate's facts from the profile's columns (country names, salaries per year,
seniority from titles, degrees, years per experience entry) and tokenising its fields for the
keyword score cost ~0.3 ms per candidate: most of a ranking pool's load when the process meets
the candidate for the first time. The pool stores what that work produced, once per version of
the profile row, and reads it back with the cosines (`matching.services.pool`). The row is read
for every candidate a process meets for the first time, so it is shaped to be restored with as
little Python as possible: a JSON array (no keys to parse, no dictionaries to build) of

- the facts' fields but the vectors, positionally in `CandidateFacts` field order (sets as
  sorted lists, experience entries as arrays in `Experience` field order);
- the keyword scorer's terms as `lexical.lexical_lists` gives them (query terms and weights,
  occurrences as indexes into them with their counts, each field's size and length: the
  sequences the pool's arrays are concatenated from, restored as the same tuples);
- `digest.facts_digest` of those facts, so the inputs hash of a kept pair costs one small
  SHA-256 instead of serialising the candidate.

The term counts per field (`lexical.candidate_counts`, read by the scalar scorer alone) are
not stored: they follow from the facts and are rebuilt if asked for. Floats survive the JSON
round trip exactly (`repr`).

A row is valid for the profile row version (`xmin`) it was built from and for `FACTS_FORMAT`
(raise it whenever the facts, the tokeniser, the term lists or the digest change; rows of
another format are rebuilt by the pool that meets them): facts built from a profile are a
function of its columns alone (`adapters.candidate_facts` leaves out the years of each
experience entry, which would grow with the calendar).
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

# orjson parses these rows ~3x faster than the standard library (a pool reads ~100 of them);
# both read the same values (floats exactly: `repr` round trip).
from orjson import loads

from matching.digest import facts_digest
from matching.facts import CandidateFacts, Experience
from matching.lexical import LISTS_KEY, lexical_lists

# 1: a JSON object with the facts, term counts and digest; 2: the compact array.
FACTS_FORMAT = 2
_FIELDS = tuple(f.name for f in fields(CandidateFacts) if f.name != "embedding")
_ENTRY_FIELDS = tuple(f.name for f in fields(Experience) if f.name != "embedding")
_SETS = {"skills", "work_authorization", "languages"}
_EXPERIENCES = _FIELDS.index("experiences")
_SET_POSITIONS = tuple(i for i, name in enumerate(_FIELDS) if name in _SETS)
# The memo key of `digest.facts_digest`; tests/test_factrows.py checks it.
_DIGEST_KEY = "_digest"


def _plain(value: object) -> object:
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):  # the experience entries
        return [[getattr(e, name) for name in _ENTRY_FIELDS] for e in value]
    return value


def facts_record(facts: CandidateFacts) -> list[Any]:
    """The stored array of facts built without vectors (see the module docstring)."""
    if facts.embedding is not None or any(e.embedding is not None for e in facts.experiences):
        raise ValueError("facts are stored without their vectors")
    return [
        [_plain(getattr(facts, name)) for name in _FIELDS],
        *map(list, lexical_lists(facts)),
        facts_digest(facts),
    ]


def record_json(facts: CandidateFacts) -> str:
    return json.dumps(facts_record(facts), separators=(",", ":"))


def _entry(values: list[Any]) -> Experience:
    """An experience entry of `_ENTRY_FIELDS` values (every field but the vector), filled like
    the facts in `facts_from_record`: a frozen dataclass's `__init__` sets each field through
    `object.__setattr__`, which costs more than the rest of restoring a candidate's facts."""
    entry = object.__new__(Experience)
    entry.__dict__.update(zip(_ENTRY_FIELDS, values, strict=True), embedding=None)
    return entry


def facts_from_json(text: str | bytes) -> CandidateFacts:
    return facts_from_record(loads(text))


def facts_from_record(record: list[Any]) -> CandidateFacts:
    """The facts of a stored array, with their term lists and digest memoised.

    The frozen dataclasses are filled through their `__dict__` (what their `__init__` does
    field by field, without a `__post_init__` or slots): equal to the facts they were stored
    from (tests/test_factrows.py)."""
    values, words, weights, occurrences, counts, lengths, totals, digest = record
    values[_EXPERIENCES] = tuple(map(_entry, values[_EXPERIENCES]))
    for i in _SET_POSITIONS:
        values[i] = frozenset(values[i])
    facts = object.__new__(CandidateFacts)
    memo = facts.__dict__
    memo.update(zip(_FIELDS, values, strict=True), embedding=None)
    memo[LISTS_KEY] = tuple(map(tuple, (words, weights, occurrences, counts, lengths, totals)))
    memo[_DIGEST_KEY] = digest
    return facts
