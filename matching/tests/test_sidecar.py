"""The IVF index's parts searched at once: one on this connection, one on the second
connection's thread (`services.sidecar`), on the real PostgreSQL. The tests commit (the second
connection sees only committed rows) and drop the parts' indexes after."""

from __future__ import annotations

import os

import numpy as np
import pytest
from django.db import connection, transaction

from accounts.models import User
from conftest import make_user
from jobs.models import Job
from matching.models import Match
from matching.services import sidecar
from matching.services.indexes import IVF_PARTS, ensure_partition_index
from matching.services.pool import clear_facts_cache, ranking_pool
from matching.services.recompute import rank_candidates_for_job
from matching.services.retrieval import candidate_search, candidate_vector_ids
from matching.tasks import recompute_job_matches
from matching.tests.conftest import drop_ivf_parts
from resumes.models import CandidateProfile

pytestmark = pytest.mark.django_db(transaction=True)

MODEL = "test-model"


def unit(v: np.ndarray) -> list[float]:
    return (v / np.linalg.norm(v)).tolist()


@pytest.fixture
def job(acme) -> Job:
    rng = np.random.default_rng(11)
    base = rng.normal(size=384)
    for i in range(40):
        user = make_user(f"c{i}@example.test", User.Role.CANDIDATE)
        CandidateProfile.objects.create(
            user=user,
            headline=f"Developer {i}",
            skills=["python"] if i % 5 == 0 else ["cobol"],
            embedding=unit(base + (0.2 + 0.05 * i) * rng.normal(size=384)),
            embedding_model=MODEL,
        )
    return Job.objects.create(
        company=acme,
        title="Python Developer",
        workplace=Job.Workplace.REMOTE,
        required_skills=["python"],
        status=Job.Status.OPEN,
        embedding=unit(base),
        embedding_model=MODEL,
    )


@pytest.fixture
def parts(job, monkeypatch, settings):
    settings.MATCH_EXACT_MAX_ROWS = -1  # the index, however small the table
    assert not connection.in_atomic_block
    assert ensure_partition_index(min_rows=10) == 1  # one list per part: every row read
    settings.MATCH_PARALLEL_SEARCH = "on"
    yield
    drop_ivf_parts()


def exact_ids(job: Job, k: int) -> list[int]:
    return candidate_vector_ids(job, k, exact=True)[0]


def test_the_parts_are_searched_at_once_on_two_connections(job, parts, settings) -> None:
    assert len(candidate_search(job, 10).queries) == IVF_PARTS
    sent = sidecar.statements()
    assert candidate_vector_ids(job, 10) == (exact_ids(job, 10), False)
    assert sidecar.statements() == sent + 1  # the second part, on the other connection
    settings.MATCH_PARALLEL_SEARCH = "off"
    assert candidate_vector_ids(job, 10) == (exact_ids(job, 10), False)
    assert sidecar.statements() == sent + 1  # one after the other, on this one


def test_the_merged_parts_order_their_rows_as_the_database_does(job, parts) -> None:
    # A zero vector has no cosine (NaN): the database orders it after every other row. Two of
    # them, consecutive ids: one in each part.
    zeros = [
        CandidateProfile.objects.create(
            user=make_user(f"zero{i}@example.test", User.Role.CANDIDATE),
            embedding=[0.0] * 384,
            embedding_model=MODEL,
        ).pk
        for i in range(2)
    ]
    everyone = exact_ids(job, 50)
    assert len(everyone) == 42 and everyone[-2:] == zeros
    assert candidate_vector_ids(job, 50)[0] == everyone


@pytest.fixture
def loadavg(tmp_path, monkeypatch):
    """The kernel's load line, written by the test: (runnable tasks now) -> None."""
    path = tmp_path / "loadavg"
    monkeypatch.setattr(sidecar, "LOADAVG", str(path))

    def running(tasks: int) -> None:
        path.write_text(f"0.52 0.58 0.59 {tasks}/467 12345\n")

    return running


def test_auto_searches_the_parts_at_once_only_while_a_core_is_free(
    job, parts, settings, loadavg
) -> None:
    cores = len(os.sched_getaffinity(0))
    settings.MATCH_PARALLEL_SEARCH = "auto"
    loadavg(cores)  # every core taken (this thread included): one after the other
    assert not sidecar.core_free()
    sent = sidecar.statements()
    assert candidate_vector_ids(job, 10) == (exact_ids(job, 10), False)
    assert sidecar.statements() == sent
    if cores > 1:
        loadavg(cores - 1)  # a core free: at once
        assert sidecar.core_free()
        assert candidate_vector_ids(job, 10) == (exact_ids(job, 10), False)
        assert sidecar.statements() == sent + 1
    settings.MATCH_PARALLEL_SEARCH = "on"
    loadavg(cores + 5)
    assert sidecar.usable()  # "on": whatever the load


def test_without_the_kernels_count_a_core_counts_as_free(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(sidecar, "LOADAVG", str(tmp_path / "missing"))
    assert sidecar.core_free()
    (tmp_path / "garbled").write_text("not a load line")
    monkeypatch.setattr(sidecar, "LOADAVG", str(tmp_path / "garbled"))
    assert sidecar.core_free()


def test_inside_a_transaction_the_parts_are_searched_on_one_connection(job, parts) -> None:
    sent = sidecar.statements()
    with transaction.atomic():
        # The second connection would not see what this transaction wrote.
        assert not sidecar.usable()
        assert candidate_vector_ids(job, 10) == (exact_ids(job, 10), False)
    assert sidecar.statements() == sent


def _pool(job: Job, k: int):
    clear_facts_cache()
    pool = ranking_pool(job, k=k)
    ids = [int(facts.id) for facts in pool.facts]
    return pool, ids


def test_the_ranking_pool_keeps_the_k_nearest_of_every_part_and_the_others(
    job, parts, settings
) -> None:
    stored = CandidateProfile.objects.filter(skills=["cobol"]).order_by("-pk").first()
    Match.objects.create(job=job, candidate=stored, score=0.1, inputs_hash="x")
    nearest = exact_ids(job, 5)
    holders = CandidateProfile.objects.filter(skills=["python"]).order_by("-pk")
    union = set(holders.values_list("pk", flat=True)[:5])  # the skill union: the newest 5 of 8
    assert union - set(nearest) and stored.pk not in nearest
    sent = sidecar.statements()
    pool, ids = _pool(job, 5)
    assert sidecar.statements() == sent + 1
    # Each part returned its 5 nearest; the pool keeps the 5 nearest of all, the skill union
    # and the stored match.
    assert pool.nearest == set(nearest)
    assert set(ids) == set(nearest) | union | {stored.pk}
    assert ids == sorted(ids) and pool.stored == {stored.pk}
    settings.MATCH_PARALLEL_SEARCH = "off"
    alone, alone_ids = _pool(job, 5)
    assert sidecar.statements() == sent + 1
    assert alone_ids == ids and alone.nearest == pool.nearest
    assert alone.profile_cosines == pool.profile_cosines


def test_the_second_connection_is_kept_between_searches_and_closed(job) -> None:
    def backend() -> tuple[int, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), current_database()")
            return cursor.fetchone()

    try:
        mine = backend()
        first = sidecar.submit(backend).result()
        assert first[1] == mine[1] and first[0] != mine[0]  # the same database, its own
        assert sidecar.submit(backend).result() == first  # kept: connecting costs more
        sidecar.close()
        assert sidecar.submit(backend).result()[0] != first[0]
    finally:
        sidecar.close()


def test_a_dead_second_connection_is_replaced_and_the_search_run_again(job) -> None:
    def backend() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    try:
        first = sidecar.submit(backend).result()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [first])
        assert sidecar.submit(backend).result() not in (first, backend())
    finally:
        sidecar.close()


@pytest.mark.slow
def test_a_worker_searches_the_parts_at_once_and_ranks_as_the_exact_search(
    job, parts, settings, celery_worker_factory
) -> None:
    # The worker's forked child opens its own second connection; its ranking is the exact
    # search's (one list per part: every row read), the skill union's holders beside.
    settings.MATCH_RETRIEVAL_K = 10
    clear_facts_cache()
    expected, _ = rank_candidates_for_job(job, exact=True)
    assert len(expected) > 10  # the 10 nearest and the skill union
    worker = celery_worker_factory(
        env={"MATCH_EXACT_MAX_ROWS": "-1", "MATCH_RETRIEVAL_K": "10", "MATCH_PARALLEL_SEARCH": "on"}
    )
    recompute_job_matches.delay(job.pk)
    worker.wait_for(lambda: Match.objects.filter(job=job).count() == len(expected))
    stored = dict(Match.objects.filter(job=job).values_list("candidate_id", "score"))
    assert stored == {int(r.candidate_id): r.score for r in expected}
    assert "second database connection for the vector search's parts" in worker.log()
