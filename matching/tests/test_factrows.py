"""Candidate facts stored as a compact JSON row and read back (no database)."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from matching.digest import facts_digest
from matching.factrows import facts_from_json, facts_from_record, facts_record, record_json
from matching.lexical import LISTS_KEY, candidate_counts, lexical_lists
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


def test_the_row_carries_the_digest_and_term_lists_of_fresh_facts(pool) -> None:
    for facts in pool:
        restored = facts_from_record(json.loads(record_json(facts)))
        fresh = replace(facts)  # a copy without memoised values
        assert restored.__dict__["_digest"] == facts_digest(fresh)
        # Term lists restored as computed, in the same order (sums over them add in the same
        # order) and with the same floats (exact JSON round trip).
        assert restored.__dict__[LISTS_KEY] == lexical_lists(fresh)
        # The term counts are not stored: built from the restored facts (for the scalar
        # scorer), they are the same (a field's terms may come in another order: the skills'
        # set was built anew).
        assert candidate_counts(restored) == candidate_counts(fresh)


def test_the_fast_parser_reads_the_rows_as_the_standard_library_does(pool) -> None:
    import orjson

    for facts in pool:
        text = record_json(facts)
        assert orjson.loads(text) == json.loads(text)
        restored = facts_from_json(text)
        assert restored == facts
        assert restored.__dict__[LISTS_KEY] == lexical_lists(replace(facts))


def test_the_row_is_an_array_without_keys(pool) -> None:
    record = facts_record(pool[0])
    assert isinstance(record, list)
    assert record[0][0] == pool[0].id
    assert json.loads(record_json(pool[0])) == record


def test_facts_with_vectors_are_not_stored(pool) -> None:
    with pytest.raises(ValueError, match="without their vectors"):
        facts_record(replace(pool[0], embedding=(1.0, 0.0)))
