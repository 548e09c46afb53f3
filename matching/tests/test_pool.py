"""The ranking pool's stored facts: built once per profile version, read back in one statement."""

from __future__ import annotations

import logging

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from matching.adapters import candidate_facts
from matching.factrows import FACTS_FORMAT
from matching.models import Match
from matching.services import pool as pool_module
from matching.services import retrieve_candidates
from matching.services.pool import (
    FACTS_TABLE,
    clear_facts_cache,
    closer_than_nearest,
    pool_for_job,
    ranking_pool,
    trapped,
)
from matching.services.retrieval import candidate_vector_ids, vector_literal
from resumes.models import CandidateProfile

pytestmark = pytest.mark.django_db


def _stored() -> dict[int, str]:
    """The stored facts' profile row versions by profile id."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT profile_id, version FROM {FACTS_TABLE}")
        return dict(cursor.fetchall())


def _version(profile: CandidateProfile) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text FROM resumes_candidateprofile WHERE id = %s", [profile.pk]
        )
        return cursor.fetchone()[0]


@pytest.fixture(autouse=True)
def _cold() -> None:
    clear_facts_cache()


def test_the_first_pool_stores_each_candidates_facts_for_its_profile_version(people, job) -> None:
    ids = sorted(p.pk for p in people.values())
    pool_for_job(job, ids)
    stored = _stored()
    assert sorted(stored) == ids
    for profile in people.values():
        assert stored[profile.pk] == _version(profile)


def test_a_process_meeting_the_pool_again_reads_the_stored_facts_in_one_statement(
    people, job
) -> None:
    ids = sorted(p.pk for p in people.values())
    first = pool_for_job(job, ids)
    clear_facts_cache()  # another worker process, or this one after the cache dropped them
    with CaptureQueriesContext(connection) as queries:
        again = pool_for_job(job, ids)
    assert len(queries) == 1
    assert again.facts == first.facts
    assert (again.profile_cosines, again.experience_cosines) == (
        first.profile_cosines,
        first.experience_cosines,
    )
    for facts in again.facts:
        profile = CandidateProfile.objects.get(pk=int(facts.id))
        assert facts == candidate_facts(profile, with_embedding=False)


def test_a_changed_profile_gets_its_facts_rebuilt_and_stored_again(people, job) -> None:
    pia = people["pia"]
    pool_for_job(job, [pia.pk])
    with transaction.atomic():  # its own (sub)transaction: a new row version
        CandidateProfile.objects.filter(pk=pia.pk).update(headline="Staff Python Developer")
    clear_facts_cache()
    facts = pool_for_job(job, [pia.pk]).facts[0]
    assert facts.headline == "Staff Python Developer"
    assert _stored()[pia.pk] == _version(pia)


def test_facts_of_another_format_are_not_read(people, job) -> None:
    pia = people["pia"]
    pool_for_job(job, [pia.pk])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {FACTS_TABLE} SET format = %s", [FACTS_FORMAT - 1])
    clear_facts_cache()
    with CaptureQueriesContext(connection) as queries:
        pool_for_job(job, [pia.pk])
    assert len(queries) == 3  # the pool, the profile's columns, the upsert
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT format FROM {FACTS_TABLE}")
        assert cursor.fetchall() == [(FACTS_FORMAT,)]


def test_facts_do_not_depend_on_the_date(people) -> None:
    """An entry without an end date leaves no years in the facts: their stored row and the
    inputs hash change with the profile, not with the calendar."""
    facts = candidate_facts(people["pia"], with_embedding=False)
    assert people["pia"].experiences[0]["end"] is None
    assert [e.years for e in facts.experiences] == [None]


def test_a_deleted_profile_loses_its_stored_facts(people, job) -> None:
    pool_for_job(job, [p.pk for p in people.values()])
    people["chef"].delete()
    assert people["chef"].pk not in _stored() and len(_stored()) == 2


def _same_pool(one, other) -> None:
    assert one.facts == other.facts
    assert (one.profile_cosines, one.experience_cosines) == (
        other.profile_cosines,
        other.experience_cosines,
    )


@pytest.mark.parametrize("exact", [False, True])
def test_the_ranking_pool_is_the_retrieved_and_stored_candidates_in_one_round_trip(
    people, job, exact
) -> None:
    stored = people["remo"]  # remote only: left out by the job's SQL filters, yet stored
    Match.objects.create(job=job, candidate=stored, score=0.1, inputs_hash="x")
    retrieved = set(retrieve_candidates(job, exact=exact))
    assert retrieved and stored.pk not in retrieved
    ranking_pool(job, exact=exact)  # the planner's estimate of the filter, cached from here
    clear_facts_cache()
    with CaptureQueriesContext(connection) as queries:
        pool = ranking_pool(job, exact=exact)
    assert len(queries) == 1
    _same_pool(pool, pool_for_job(job, sorted(retrieved | {stored.pk})))
    assert pool.stored == {stored.pk}
    # Met again: the held facts are kept, not parsed again.
    again = ranking_pool(job, exact=exact)
    assert all(a is b for a, b in zip(again.facts, pool.facts, strict=True))


def test_the_ranking_pool_of_a_job_without_vector_or_skills_is_its_stored_matches(
    people, job
) -> None:
    job.embedding = None
    job.required_skills = []
    Match.objects.create(job=job, candidate=people["pia"], score=0.1, inputs_hash="x")
    pool = ranking_pool(job)
    assert [int(f.id) for f in pool.facts] == [people["pia"].pk]
    assert pool.profile_cosines == [None] and pool.experience_cosines == [None]
    assert pool.stored == {people["pia"].pk}


def test_the_ranking_pool_builds_and_stores_missing_facts(people, job) -> None:
    pool = ranking_pool(job)
    assert pool.facts and sorted(_stored()) == sorted(int(f.id) for f in pool.facts)
    clear_facts_cache()
    _same_pool(ranking_pool(job), pool)


def test_the_ranking_pool_marks_the_rows_of_the_vector_search(people, job) -> None:
    pool = ranking_pool(job, k=1)
    nearest, _ = candidate_vector_ids(job, 1)
    assert pool.nearest == set(nearest) == {people["pia"].pk}
    assert closer_than_nearest(pool) == 0 and not trapped(pool, 1)
    assert pool_for_job(job, [people["pia"].pk]).nearest == set()


def test_an_approximate_search_trapped_away_from_the_job_is_done_again_exactly(
    people, job, monkeypatch, caplog, settings
) -> None:
    """The search's rows lie farther from the job than candidates the skill union found: the
    graph kept the search away from the job's neighbourhood. Here the vector table's row of the
    pastry chef holds the job's own vector (the search returns the chef), while the profiles'
    vectors (the pool's cosines) put the Django developer of the skill union nearer."""
    settings.MATCH_EXACT_MAX_ROWS = -1  # the HNSW path, even this small
    monkeypatch.setattr(pool_module, "TRAP_MIN_CLOSER", 1)
    chef, pia = people["chef"], people["pia"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE matching_candidatevector SET embedding = %s::vector WHERE profile_id = %s",
            [vector_literal(job.embedding), chef.pk],
        )
    approximate, searched_exactly = candidate_vector_ids(job, 1, exact=False)
    assert approximate == [chef.pk] and not searched_exactly
    with caplog.at_level(logging.WARNING, logger="matching.services.pool"):
        pool = ranking_pool(job, k=1)
    assert "trapped (1 of the skill union" in caplog.text
    exact = ranking_pool(job, exact=True, k=1)
    assert [f.id for f in pool.facts] == [f.id for f in exact.facts]
    assert {int(f.id) for f in pool.facts} == {chef.pk, pia.pk}
