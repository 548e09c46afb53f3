"""Candidate facts stored as a JSON row and read back (no database)."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from matching.digest import facts_digest
from matching.factrows import facts_from_record, facts_record, record_json
from matching.lexical import candidate_counts
from matching.tests.test_ranking import make_candidate


def _without_vectors(facts):
    experiences = tuple(replace(e, embedding=None) for e in facts.experiences)
    return replace(facts, embedding=None, experiences=experiences)


@pytest.fixture(scope="module")
def pool():
    rng = random.Random(7)
    return [_without_vectors(make_candidate(rng, i)) for i in range(200)]


def test_facts_read_back_from_their_row_equal_the_original(pool) -> None:
    for facts in pool:
        restored = facts_from_record(json.loads(record_json(facts)))
        assert restored == facts
        assert restored.experiences == facts.experiences


def test_the_row_carries_the_digest_and_term_counts_of_fresh_facts(pool) -> None:
    for facts in pool:
        restored = facts_from_record(json.loads(record_json(facts)))
        fresh = replace(facts)  # a copy without memoised values
        assert restored.__dict__["_digest"] == facts_digest(fresh)
        counts = candidate_counts(restored)
        assert counts == candidate_counts(fresh)
        # Field and term order kept too: sums over them add in the same order.
        assert [(n, list(c.items())) for n, c in counts.items()] == [
            (n, list(c.items())) for n, c in candidate_counts(fresh).items()
        ]


def test_facts_with_vectors_are_not_stored(pool) -> None:
    with pytest.raises(ValueError, match="without their vectors"):
        facts_record(replace(pool[0], embedding=(1.0, 0.0)))
