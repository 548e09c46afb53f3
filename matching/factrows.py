"""`CandidateFacts` as the JSON document kept per profile in `matching_profilefacts`.

Building a candidate's facts from the profile's columns (country names, salaries per year,
seniority from titles, degrees, years per experience entry) and tokenising its fields for the
keyword score cost ~0.3 ms per candidate: most of a ranking pool's load when the process meets
the candidate for the first time. The pool stores what that work produced, once per version of
the profile row, and reads it back with the cosines (`matching.services.pool`):

- `facts`: every field but the vectors, in the shape `matching.digest` hashes (sets as sorted
  lists, experience entries as objects);
- `counts`: the keyword scorer's term counts per field (`lexical.candidate_counts`), in field
  and term order (the column is `json`, not `jsonb`, which would reorder keys);
- `digest`: `digest.facts_digest` of those facts, so the inputs hash of a kept pair costs one
  small SHA-256 instead of serialising the candidate.

A row is valid for the profile row version (`xmin`) it was built from and for `FACTS_FORMAT`
(raise it whenever the facts, the tokeniser or the digest change): facts built from a profile
are a function of its columns alone (`adapters.candidate_facts` leaves out the years of each
experience entry, which would grow with the calendar).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import fields
from typing import Any

from matching.digest import facts_digest
from matching.facts import CandidateFacts, Experience
from matching.lexical import COUNTS_KEY, candidate_counts

FACTS_FORMAT = 1
_SETS = ("skills", "work_authorization", "languages")
# The memo key of `digest.facts_digest` (tests/test_factrows.py checks the restored value).
_DIGEST_KEY = "_digest"


def _plain(value: object) -> object:
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, Experience):
        return {f.name: getattr(value, f.name) for f in fields(value) if f.name != "embedding"}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def facts_record(facts: CandidateFacts) -> dict[str, Any]:
    """The stored document of facts built without vectors (see the module docstring)."""
    if facts.embedding is not None or any(e.embedding is not None for e in facts.experiences):
        raise ValueError("facts are stored without their vectors")
    return {
        "facts": {f.name: _plain(getattr(facts, f.name)) for f in fields(facts)},
        "counts": {name: dict(counts) for name, counts in candidate_counts(facts).items()},
        "digest": facts_digest(facts),
    }


def record_json(facts: CandidateFacts) -> str:
    return json.dumps(facts_record(facts), separators=(",", ":"))


def facts_from_record(record: dict[str, Any]) -> CandidateFacts:
    """The facts of a stored document, with their term counts and digest already memoised."""
    values = dict(record["facts"])
    for name in _SETS:
        values[name] = frozenset(values[name])
    values["experiences"] = tuple(Experience(**e) for e in values["experiences"])
    facts = CandidateFacts(**values)
    memo = facts.__dict__
    memo[COUNTS_KEY] = {name: Counter(counts) for name, counts in record["counts"].items()}
    memo[_DIGEST_KEY] = record["digest"]
    return facts
