"""The narrow candidate-vector table (migration 0006) and the retrieval that reads it, on the
real PostgreSQL + pgvector: the triggers keep it equal to the profiles, and its searches (HNSW
and exact) return what an exact scan of the profiles with the same hard filters returns."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.conf import settings
from django.db import connection, transaction

from accounts.models import User
from conftest import make_user
from jobs.models import Job
from matching import services
from matching.services import indexes
from matching.services.indexes import (
    GRAPH,
    IVF_EXPRESSION,
    IVF_INDEX,
    IVF_PARTS,
    VECTOR_TABLE,
    ensure_country_indexes,
    ensure_partition_index,
    ivf_index,
)
from matching.services.retrieval import (
    OVERFETCH,
    candidate_filter,
    candidate_search,
    candidate_vector_ids,
    search_settings,
    search_sql,
    vector_literal,
)
from resumes.models import CandidateProfile

pytestmark = pytest.mark.django_db

MODEL = "test-model"
COUNTRIES = ["DE", "PT", "FR", ""]  # "" = no work authorization stated
REMOTE = ["any", "onsite", "hybrid", "remote"]


def vectors_table() -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT profile_id, embedding_model, remote_only, work_authorization, country, "
            "embedding::text FROM matching_candidatevector"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def unit(rng: np.random.Generator, base: np.ndarray | None = None) -> list[float]:
    v = rng.normal(size=384) if base is None else base + 0.3 * rng.normal(size=384)
    return (v / np.linalg.norm(v)).tolist()


@pytest.fixture
def crowd() -> list[CandidateProfile]:
    """60 embedded profiles around one direction, across countries and remote preferences,
    plus two of another model."""
    rng = np.random.default_rng(3)
    base = np.asarray(unit(rng))
    profiles = []
    for i in range(62):
        country = COUNTRIES[i % len(COUNTRIES)]
        user = make_user(f"c{i}@example.test", User.Role.CANDIDATE)
        profiles.append(
            CandidateProfile.objects.create(
                user=user,
                country=country,
                work_authorization=[country] if country else [],
                remote_preference=REMOTE[(i // len(COUNTRIES)) % len(REMOTE)],
                embedding=unit(rng, base),
                embedding_model="other-model" if i >= 60 else MODEL,
            )
        )
    return profiles


def make_job(acme, country: str, workplace: str) -> Job:
    rng = np.random.default_rng(len(country) + len(workplace))
    return Job.objects.create(
        company=acme,
        title="Engineer",
        country=country,
        workplace=workplace,
        status=Job.Status.OPEN,
        embedding=unit(rng),
        embedding_model=MODEL,
    )


def exact_from_profiles(job: Job, k: int) -> list[int]:
    """The reference: an exact scan of the wide profile rows under `candidate_pool`."""
    pool = services.candidate_pool(job).filter(embedding__isnull=False, embedding_model=MODEL)
    return services.vector_ids(pool, job.embedding, k, exact=True)


def test_the_vector_column_is_stored_plain() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = "
            "'matching_candidatevector'::regclass AND attname = 'embedding'"
        )
        assert cursor.fetchone()[0] == "p"


def test_the_triggers_keep_the_table_equal_to_the_profiles(crowd) -> None:
    table = vectors_table()
    assert set(table) == {p.pk for p in crowd}
    first = crowd[0]
    model, remote_only, authorization, country, text = table[first.pk]
    assert (model, remote_only, authorization, country) == (
        MODEL,
        first.remote_preference == "remote",
        first.work_authorization,
        first.country,
    )
    assert np.allclose(json.loads(text), first.embedding, atol=1e-6)

    # A queryset update (no save(), no signal) is followed too.
    CandidateProfile.objects.filter(pk=first.pk).update(
        remote_preference="remote", work_authorization=["IE"], country="IE"
    )
    assert vectors_table()[first.pk][1:4] == (True, ["IE"], "IE")
    # A save that changes none of the table's columns leaves its row alone.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text FROM matching_candidatevector WHERE profile_id = %s", [first.pk]
        )
        before = cursor.fetchone()[0]
        profile = CandidateProfile.objects.get(pk=first.pk)
        profile.headline = "New headline"
        profile.save()
        cursor.execute(
            "SELECT xmin::text FROM matching_candidatevector WHERE profile_id = %s", [first.pk]
        )
        assert cursor.fetchone()[0] == before

    second, third = crowd[1], crowd[2]
    CandidateProfile.objects.filter(pk=second.pk).update(embedding=None)
    third.delete()
    assert set(vectors_table()) == {p.pk for p in crowd} - {second.pk, third.pk}
    CandidateProfile.objects.filter(pk=second.pk).update(embedding=crowd[0].embedding)
    assert second.pk in vectors_table()

    with connection.cursor() as cursor:
        # Django's foreign keys are deferred: check them now, TRUNCATE refuses pending ones.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE resumes_candidateprofile CASCADE")
    assert vectors_table() == {}


@pytest.mark.parametrize(
    ("country", "workplace"),
    [("", Job.Workplace.REMOTE), ("PT", Job.Workplace.HYBRID), ("DE", Job.Workplace.ONSITE)],
)
@pytest.mark.parametrize("exact", [True, False, None])
def test_searches_return_the_exact_neighbours_under_the_hard_filters(
    crowd, acme, country, workplace, exact
) -> None:
    job = make_job(acme, country, workplace)
    truth = exact_from_profiles(job, 10)
    ids, was_exact = candidate_vector_ids(job, 10, exact=exact)
    # 60 rows: the HNSW graph holds them all, so even the approximate search is exact here.
    assert ids == truth and len(ids) == min(10, len(truth))
    # A pool this small is estimated below MATCH_EXACT_MAX_ROWS: searched exactly when free.
    assert was_exact == (True if exact is None else exact)
    admitted = set(services.candidate_pool(job).values_list("pk", flat=True))
    assert set(ids) <= admitted
    assert not {p.pk for p in crowd if p.embedding_model != MODEL} & set(ids)
    if workplace != Job.Workplace.REMOTE:
        assert not {p.pk for p in crowd if p.remote_preference == "remote"} & set(ids)


def test_retrieve_candidates_reads_the_vector_table(crowd, acme) -> None:
    job = make_job(acme, "FR", Job.Workplace.HYBRID)
    assert services.retrieve_candidates(job, k=8) == exact_from_profiles(job, 8)
    assert services.retrieve_candidates(job, k=8, exact=True) == exact_from_profiles(job, 8)
    # A profile re-embedded nearer the job than any other comes first at once.
    mover = next(p for p in crowd if p.country == "FR" and p.remote_preference == "any")
    CandidateProfile.objects.filter(pk=mover.pk).update(embedding=list(job.embedding))
    assert services.retrieve_candidates(job, k=8)[0] == mover.pk


def _plan(where: str, params: list, *, exact: bool, vector: list[float]) -> str:
    text = vector_literal(vector)
    arguments = [text, *params, 10] if exact else [text, *params, text, OVERFETCH * 10, 10]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(search_settings(exact=exact, k=10))
        if exact:
            # 62 rows: a sequential scan is cheaper; forbid it to see that the GIN index applies.
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {search_sql(where, exact=exact)}", arguments)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_approximate_search_walks_the_hnsw_index_and_the_exact_one_the_filter(
    crowd, acme
) -> None:
    job = make_job(acme, "PT", Job.Workplace.HYBRID)
    where, params = candidate_filter(job, MODEL)
    approximate = _plan(where, params, exact=False, vector=list(job.embedding))
    assert "matching_candidatevector_hnsw" in approximate
    exact = _plan(where, params, exact=True, vector=list(job.embedding))
    assert "hnsw" not in exact and "matching_candidatevector_auth_gin" in exact


@pytest.fixture
def forget_indexes():
    yield
    # The indexes go with the test's transaction: forget the lookups that saw them.
    indexes._indexed.clear()
    indexes._ivf.clear()


def test_a_country_with_its_own_partial_index_is_searched_in_it(
    crowd, acme, forget_indexes
) -> None:
    # Each country holds 11-12 of the 62 rows on site: more than a tenth, less than a half.
    assert ensure_country_indexes(min_rows=5, max_share=0.1, concurrently=False) == []
    assert ensure_country_indexes(min_rows=13, max_share=0.5, concurrently=False) == []
    created = ensure_country_indexes(min_rows=5, max_share=0.5, concurrently=False)
    assert created == ["DE", "FR", "PT"]  # "" (no authorization stated) is no country
    assert ensure_country_indexes(min_rows=5, max_share=0.5, concurrently=False) == []
    job = make_job(acme, "PT", Job.Workplace.HYBRID)
    ids, was_exact = candidate_vector_ids(job, 10)
    assert not was_exact and ids == exact_from_profiles(job, 10)
    where, params = candidate_filter(job, MODEL)
    plan = _plan(where, params, exact=False, vector=list(job.embedding))
    assert "matching_candidatevector_hnsw_in_pt" in plan
    # Its graph is searched at the country breadth; the global one at the default breadth.
    setup = candidate_search(job, 10).setup
    assert f"'hnsw.ef_search', '{settings.MATCH_HNSW_COUNTRY_EF_SEARCH}'" in setup
    remote = candidate_search(make_job(acme, "", Job.Workplace.REMOTE), 10, exact=False).setup
    assert f"'hnsw.ef_search', '{settings.MATCH_HNSW_EF_SEARCH}'" in remote
    # A job in a country without its own index: exact (a pool this small), as before.
    assert candidate_vector_ids(make_job(acme, "IE", Job.Workplace.ONSITE), 10)[1]


def test_every_candidate_graph_is_built_with_the_wider_construction_list(
    crowd, forget_indexes
) -> None:
    # The table's index comes from migration 0006 (64) raised by 0013; the country ones from
    # `ensure_country_indexes`.
    ensure_country_indexes(min_rows=5, max_share=0.5, concurrently=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexdef ILIKE '%%using hnsw%%' ORDER BY 1",
            [indexes.VECTOR_TABLE],
        )
        found = dict(cursor.fetchall())
    assert sorted(found) == [
        "matching_candidatevector_hnsw",
        *(f"{indexes.COUNTRY_INDEX_PREFIX}{code}" for code in ("de", "fr", "pt")),
    ]
    assert indexes.HNSW_PARAMETERS == "m = 16, ef_construction = 128"
    for definition in found.values():
        assert "WITH (m='16', ef_construction='128')" in definition


def test_the_jobs_graph_is_built_with_the_wider_construction_list_too() -> None:
    # Migration 0002 (64) raised by 0014: the candidate -> jobs search walks it.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'matching_job_embedding_hnsw'"
        )
        [definition] = cursor.fetchone()
    assert "ON public.jobs_job USING hnsw" in definition
    assert "WITH (m='16', ef_construction='128')" in definition


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [VECTOR_TABLE])
        return {name for (name,) in cursor.fetchall()}


def _ivf_indexes() -> set[str]:
    return {name for name in _indexes() if name.startswith(IVF_INDEX)}


PARTS = {ivf_index(part) for part in range(IVF_PARTS)}


def test_a_large_table_is_searched_through_its_ivf_index(
    crowd, acme, forget_indexes, monkeypatch, settings
) -> None:
    settings.MATCH_EXACT_MAX_ROWS = -1  # an index, however small the table
    remote = make_job(acme, "", Job.Workplace.REMOTE)
    assert ensure_partition_index(min_rows=63) == 0  # 62 rows: the graph serves
    assert not _ivf_indexes() and GRAPH in _indexes()
    search = candidate_search(remote, 10)
    assert "'ivfflat.probes'" in search.setup  # set, unused
    assert len(search.queries) == 1 and f"{IVF_EXPRESSION} <#>" not in search.queries[0]

    assert ensure_partition_index(min_rows=62) == 1  # one list per 500 rows, at least one
    # The graph stays until the next run: a process that has not looked again searches it.
    assert _ivf_indexes() == PARTS and GRAPH in _indexes()
    assert ensure_partition_index(min_rows=62) == 1
    assert _ivf_indexes() == PARTS and GRAPH not in _indexes()
    search = candidate_search(remote, 10)
    assert not search.exact and len(search.queries) == IVF_PARTS
    assert "set_config('ivfflat.probes', '1', true)" in search.setup  # never more than the lists
    for part, query in enumerate(search.queries):
        assert f"{IVF_EXPRESSION} <#>" in query
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(search.setup)
            cursor.execute(f"EXPLAIN {query}", list(search.arguments))
            plan = "\n".join(row[0] for row in cursor.fetchall())
        # Each part's query reads its own partial index: the rows of its id remainder.
        assert f"Index Scan using {ivf_index(part)}" in plan
    # One list read in full in each part: the exact top 10 of the pool, in the same order.
    assert candidate_vector_ids(remote, 10) == (exact_from_profiles(remote, 10), False)


def test_the_ivf_index_parts_each_hold_their_rows(crowd, forget_indexes) -> None:
    assert ensure_partition_index(min_rows=10) == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s",
            [f"{IVF_INDEX}%"],
        )
        found = dict(cursor.fetchall())
    assert set(found) == PARTS
    for part in range(IVF_PARTS):
        definition = found[ivf_index(part)]
        assert "USING ivfflat" in definition and "halfvec_ip_ops" in definition
        assert f"WHERE (mod(profile_id, ({IVF_PARTS})::bigint) = {part})" in definition


def test_a_filtered_search_reads_more_lists_until_enough_rows_pass(
    crowd, acme, forget_indexes, monkeypatch, settings
) -> None:
    monkeypatch.setattr(indexes, "IVF_ROWS_PER_LIST", 5)  # 6 lists of ~5 rows in each part
    assert ensure_partition_index(min_rows=10) == 6
    monkeypatch.setattr(indexes, "IVF_MIN_PROBES", 1)
    settings.MATCH_EXACT_MAX_ROWS = -1  # the index, however small the pool
    hybrid = make_job(acme, "PT", Job.Workplace.HYBRID)  # no country index: the table's
    admitted = set(exact_from_profiles(hybrid, 100))  # every row its filter admits
    k = len(admitted)
    search = candidate_search(hybrid, k)
    assert not search.exact and all(f"{IVF_EXPRESSION} <#>" in q for q in search.queries)
    assert "set_config('ivfflat.probes', '1', true)" in search.setup
    assert "set_config('ivfflat.iterative_scan', 'relaxed_order', true)" in search.setup
    # More than the one list read first in each part holds (~5 rows, some refused by the
    # filter): only reading on, list after list, finds them all.
    ids, _ = candidate_vector_ids(hybrid, k)
    assert k > 10 and set(ids) == admitted


def test_the_ivf_index_is_rebuilt_when_the_table_doubled_or_halved(
    crowd, forget_indexes, monkeypatch
) -> None:
    monkeypatch.setattr(indexes, "IVF_ROWS_PER_LIST", 5)
    assert ensure_partition_index(min_rows=10) == 6  # 31 rows per part
    monkeypatch.setattr(indexes, "IVF_ROWS_PER_LIST", 4)  # 7 wanted: within 2x, kept
    assert ensure_partition_index(min_rows=10) == 6
    monkeypatch.setattr(indexes, "IVF_ROWS_PER_LIST", 20)  # 1 wanted: rebuilt
    assert ensure_partition_index(min_rows=10) == 1
    # Below min_rows an index that exists stays (searched, and kept to size).
    assert ensure_partition_index(min_rows=1000) == 1


def test_an_index_of_a_parts_name_without_lists_is_replaced(crowd, forget_indexes) -> None:
    # What a failed concurrent build leaves: an index the search cannot use.
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX {ivf_index(0)} ON {VECTOR_TABLE} (profile_id)")
    assert ensure_partition_index(min_rows=10) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [ivf_index(0)])
        assert "USING ivfflat" in cursor.fetchone()[0]


def test_the_whole_tables_ivf_index_of_earlier_versions_goes_with_the_graph(
    crowd, forget_indexes
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX {IVF_INDEX} ON {VECTOR_TABLE} "
            f"USING ivfflat ({IVF_EXPRESSION} halfvec_ip_ops) WITH (lists = 1)"
        )
    assert ensure_partition_index(min_rows=10) == 1  # the parts are built beside it
    assert _ivf_indexes() == {IVF_INDEX, *PARTS}
    assert ensure_partition_index(min_rows=10) == 1
    assert _ivf_indexes() == PARTS and GRAPH not in _indexes()


def test_beat_builds_the_ivf_index_daily(crowd, forget_indexes) -> None:
    from matching import tasks

    beat = settings.CELERY_BEAT_SCHEDULE["matching.partition-index"]
    assert (beat["task"], beat["schedule"]) == ("matching.tasks.ensure_partition_index", 86400)
    assert tasks.ensure_partition_index.apply().get() == 0  # the default: 50,000 rows
    assert tasks.ensure_partition_index.apply(kwargs={"min_rows": 10}).get() == 1


def test_beat_builds_the_country_indexes_daily(crowd, forget_indexes):
    from django.conf import settings

    from matching import tasks

    beat = settings.CELERY_BEAT_SCHEDULE["matching.country-indexes"]
    assert (beat["task"], beat["schedule"]) == ("matching.tasks.ensure_country_indexes", 86400)
    # In the test's transaction the indexes are built plainly (the worker, in autocommit,
    # builds them concurrently) and go with the transaction.
    created = tasks.ensure_country_indexes.apply(kwargs={"min_rows": 5, "max_share": 0.5})
    assert created.get() == ["DE", "FR", "PT"]
    assert tasks.ensure_country_indexes.apply().get() == []  # the defaults: 2,000 rows
    with connection.cursor() as cursor:
        assert indexes.indexed_countries(cursor, fresh=True) == {"DE", "FR", "PT"}


def test_the_command_builds_the_indexes_now(crowd, forget_indexes) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("vector_indexes", stdout=out)
    first, second = out.getvalue().splitlines()
    assert first == "62 profiles: below 50000, the table's HNSW graph serves"
    assert second.startswith("country HNSW indexes: none (created now: none;")
    out = StringIO()
    call_command("vector_indexes", "--ivf-min-rows", "10", "--country-index-rows", "5", stdout=out)
    first, second = out.getvalue().splitlines()
    assert first.startswith(
        f"62 profiles: IVF index in 2 parts ({IVF_INDEX}_*), 1 lists each, 1 read in each per "
        "search"
    )
    assert first.endswith("; the table's HNSW graph goes at the next run")
    # DE, FR, PT hold 11-12 on-site rows each: more than 15 % of the table, kept out by the share.
    assert second.startswith("country HNSW indexes: none (created now: none;")
    assert _ivf_indexes() == PARTS and GRAPH in _indexes()  # the graph goes at the next run
    out = StringIO()
    call_command("vector_indexes", "--ivf-min-rows", "10", stdout=out)
    assert "next run" not in out.getvalue() and GRAPH not in _indexes()
    with pytest.raises(CommandError, match="--ivf-min-rows must be at least 1"):
        call_command("vector_indexes", "--ivf-min-rows", "0")
    with pytest.raises(CommandError, match="--maintenance-work-mem"):
        call_command("vector_indexes", "--maintenance-work-mem", "lots")
