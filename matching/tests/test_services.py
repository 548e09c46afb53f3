"""Embedding, retrieval and recomputation on the real PostgreSQL + pgvector and the real model."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection, transaction
from pgvector.django import CosineDistance

from accounts.models import User
from conftest import make_user
from jobs.models import Job
from matching import services, tasks
from matching.models import Match, ProfileVectors
from matching.scoring import passes_filters, score_value
from resumes.models import CandidateProfile

pytestmark = pytest.mark.django_db


def test_embedding_stores_vectors_with_their_model(people, job) -> None:
    pia = people["pia"]
    assert len(pia.embedding) == 384 and pia.embedding_model.endswith("all-MiniLM-L6-v2")
    vectors = ProfileVectors.objects.get(profile=pia)
    assert len(vectors.experience_vectors) == 1 and vectors.model_id == pia.embedding_model
    assert len(job.embedding) == 384 and job.embedding_model == pia.embedding_model


def test_embedding_an_unchanged_profile_again_is_a_no_op(people) -> None:
    vectors = ProfileVectors.objects.get(profile=people["pia"])
    services.embed_profile(profile_id=people["pia"].pk)
    assert ProfileVectors.objects.get(profile=people["pia"]).updated_at == vectors.updated_at


def _plan(sql: str, params: list, *settings_sql: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in settings_sql:
            cursor.execute(statement)
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_job_retrieval_uses_the_hnsw_index_and_exact_does_not(people, job) -> None:
    # Jobs for a candidate: the jobs' own HNSW index (candidates are searched in the narrow
    # vector table: test_retrieval_vectors).
    profile = people["pia"]
    query = (
        Job.objects.filter(embedding__isnull=False)
        .order_by(CosineDistance("embedding", list(profile.embedding)))
        .values_list("pk", flat=True)[:50]
    )
    sql, params = query.query.sql_with_params()
    # A few rows make a sequential scan cheaper; forbid it to see that the index applies.
    plan = _plan(sql, list(params), "SET LOCAL enable_seqscan = off")
    assert "matching_job_embedding_hnsw" in plan
    # SET LOCAL outlives the savepoint of the first plan (the test runs in one transaction):
    # switch sequential scans back on explicitly.
    exact = _plan(
        sql, list(params), "SET LOCAL enable_seqscan = on", "SET LOCAL enable_indexscan = off"
    )
    assert "hnsw" not in exact


def test_the_wide_profile_rows_carry_no_vector_index_any_more(db) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'resumes_candidateprofile' "
            "AND indexdef ILIKE '%%hnsw%%'"
        )
        assert cursor.fetchall() == []


def test_hnsw_and_exact_retrieval_agree_on_a_small_set(people, job) -> None:
    assert services.retrieve_candidates(job, k=10) == services.retrieve_candidates(
        job, k=10, exact=True
    )
    embedded = CandidateProfile.objects.filter(embedding__isnull=False)
    assert services.vector_ids(embedded, job.embedding, 10, exact=False) == services.vector_ids(
        embedded, job.embedding, 10, exact=True
    )


def test_retrieval_applies_the_hard_filters_in_sql(people, job) -> None:
    ids = services.retrieve_candidates(job, k=10)
    assert people["remo"].pk not in ids  # remote only, the job is hybrid
    assert people["pia"].pk in ids


def test_recompute_for_a_job_stores_ranked_explained_matches(people, job) -> None:
    stored = services.recompute_matches_for_job(job_id=job.pk)
    matches = list(Match.objects.filter(job=job).order_by("-score"))
    assert stored == len(matches) == 2  # pia and the chef; remo is filtered out
    best = matches[0]
    assert best.candidate_id == people["pia"].pk
    assert best.score > matches[1].score
    assert set(best.components) == {"lexical", "semantic", "traditional"}
    evidence = {s["slug"]: s["evidence"] for s in best.explanation["matched_required"]}
    assert evidence["django"] == "- Led the Django REST API rewrite"
    assert best.explanation["missing_required"] == []
    assert best.model_versions["candidate_embedding"] == people["pia"].embedding_model
    assert len(best.inputs_hash) == 64


def test_recompute_is_idempotent(people, job) -> None:
    services.recompute_matches_for_job(job_id=job.pk)
    first = {(m.candidate_id, m.inputs_hash, m.score) for m in Match.objects.filter(job=job)}
    services.recompute_matches_for_job(job_id=job.pk)
    again = {(m.candidate_id, m.inputs_hash, m.score) for m in Match.objects.filter(job=job)}
    assert first == again


def test_closing_a_job_removes_its_matches(people, job) -> None:
    services.recompute_matches_for_job(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.CLOSED)
    services.recompute_matches_for_job(job_id=job.pk)
    assert not Match.objects.filter(job=job).exists()


def test_recompute_for_a_candidate_ranks_open_jobs(people, job, acme) -> None:
    bakery = Job.objects.create(
        company=acme, title="Pastry Chef", description="Bake croissants and cakes.",
        city="Berlin", country="DE", status=Job.Status.OPEN,
    )  # fmt: skip
    Job.objects.create(
        company=acme, title="Django Developer (draft)", description="Django.",
        city="Berlin", country="DE", required_skills=["django"], status=Job.Status.DRAFT,
    )  # fmt: skip
    services.embed_job(job_id=bakery.pk)
    services.recompute_matches_for_candidate(user_id=people["chef"].user_id)
    ranked = list(Match.objects.filter(candidate=people["chef"]).order_by("-score"))
    assert [m.job_id for m in ranked] == [bakery.pk, job.pk]  # the draft is not matched


def test_the_task_runs_the_service(people, job) -> None:
    assert tasks.recompute_job_matches.apply(args=[job.pk]).get() == 2
    assert Match.objects.filter(job=job).count() == 2


def test_a_burst_of_requests_enqueues_one_recompute(
    job, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.request_job_recompute(job_id=job.pk)
        assert not services.request_job_recompute(job_id=job.pk)
    assert len(callbacks) == 1
    services.clear_pending("job", job.pk)


def test_only_the_top_n_are_stored_but_stored_pairs_stay_fresh(people, job, settings) -> None:
    settings.MATCH_KEEP_TOP_N = 1
    services.recompute_matches_for_job(job_id=job.pk)
    assert list(Match.objects.filter(job=job).values_list("candidate_id", flat=True)) == [
        people["pia"].pk
    ]
    # The chef's own recompute stores the chef ↔ job pair; the job's next recompute keeps it.
    services.recompute_matches_for_candidate(user_id=people["chef"].user_id)
    Match.objects.filter(job=job, candidate=people["chef"]).update(score=0.99)
    services.recompute_matches_for_job(job_id=job.pk)
    chef = Match.objects.get(job=job, candidate=people["chef"])
    assert chef.score < 0.99  # re-scored, not left stale


def test_candidates_with_every_required_skill_are_retrieved_without_a_vector(people, job) -> None:
    unembedded = make_profile_from(
        "nova", headline="Django developer", skills=["python", "django", "postgresql"]
    )
    partial = make_profile_from("pat", headline="Python developer", skills=["python"])
    ids = services.retrieve_candidates(job, k=10)
    assert unembedded.pk in ids and partial.pk not in ids


def make_profile_from(name: str, **fields) -> CandidateProfile:
    user = make_user(f"{name}@example.test", User.Role.CANDIDATE)
    fields.setdefault("is_discoverable", True)
    return CandidateProfile.objects.create(user=user, city="Berlin", country="DE", **fields)


def test_matching_tasks_are_routed_to_the_matching_queue() -> None:
    from config.celery import app

    for name in ("recompute_job_matches", "recompute_candidate_matches", "embed_profile"):
        route = app.amqp.router.route({}, f"matching.tasks.{name}", args=[1], kwargs={})
        assert route["queue"].name == "matching"


def test_match_pair_scores_and_stores_one_pair(people, job) -> None:
    match = services.match_pair(job=job, candidate=people["pia"])
    assert match.pk and match.job_id == job.pk and match.candidate_id == people["pia"].pk
    assert 0 < match.score <= 1 and set(match.components) == {"lexical", "semantic", "traditional"}
    evidence = {s["slug"]: s["evidence"] for s in match.explanation["matched_required"]}
    assert evidence["postgresql"] == "- Tuned PostgreSQL indexes"
    # Scoring the pair again updates the same row.
    again = services.match_pair(job=job, candidate=people["pia"])
    assert again.pk == match.pk and Match.objects.filter(job=job).count() == 1


def test_match_pair_refuses_a_filtered_pair_and_drops_its_row(people, job) -> None:
    remo = people["remo"]
    Match.objects.create(job=job, candidate=remo, score=0.5, inputs_hash="x")
    with pytest.raises(services.PairFiltered, match="only works remotely"):
        services.match_pair(job=job, candidate=remo)
    assert not Match.objects.filter(job=job, candidate=remo).exists()


def test_match_pair_requests_the_vectors_it_lacks(
    job, acme, django_capture_on_commit_callbacks
) -> None:
    bare = make_profile_from("nova", headline="Django developer", skills=["python", "django"])
    with django_capture_on_commit_callbacks() as callbacks:
        match = services.match_pair(job=job, candidate=bare)
    assert match.components["semantic"] == 0.0
    assert match.explanation["factors"]["semantic"] == "No embeddings to compare yet."
    assert len(callbacks) == 1  # the candidate's recompute, which embeds the profile
    services.clear_pending("candidate", bare.user_id)


def test_an_immediate_request_skips_the_debounce(job, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.request_job_recompute(job_id=job.pk)
        assert services.request_job_recompute(job_id=job.pk, immediate=True)
    assert len(callbacks) == 2
    services.clear_pending("job", job.pk)


def test_the_pool_cosines_from_sql_equal_the_ones_from_the_vectors(people, job) -> None:
    from matching.adapters import job_facts
    from matching.scoring import semantic_component
    from matching.services.pool import pool_for_job
    from matching.services.recompute import facts_of, profiles_with_vectors

    pool = pool_for_job(job, [p.pk for p in people.values()])
    jf = job_facts(job)
    by_id = {int(cf.id): i for i, cf in enumerate(pool.facts)}
    for profile in profiles_with_vectors(list(by_id)):
        i = by_id[profile.pk]
        _, subs = semantic_component(jf, facts_of(profile))
        assert pool.profile_cosines[i] == pytest.approx(subs["profile_cosine"], abs=1e-6)
        ec = pool.experience_cosines[i]
        assert ec is not None and len(ec) == len(profile.experiences)
        if ec:  # pgvector sums in single precision
            assert max(ec) == pytest.approx(subs["best_experience_cosine"], abs=1e-6)


def test_the_vectorised_recompute_keeps_what_the_scalar_ranking_keeps(people, job) -> None:
    from matching.adapters import job_facts
    from matching.lexical import TermStats
    from matching.services.pool import pool_for_job

    results, passed = services.rank_candidates_for_job(job)
    pool = pool_for_job(job, sorted(services.retrieve_candidates(job)))
    jf = job_facts(job)
    stats = TermStats.build(pool.facts, [jf])
    scalar = [
        (
            score_value(
                jf,
                cf,
                weights=settings.MATCH_WEIGHTS,
                stats=stats,
                profile_cosine=pool.profile_cosines[i],
                experience_cosines=pool.experience_cosines[i],
            ),
            int(cf.id),
        )
        for i, cf in enumerate(pool.facts)
        if passes_filters(jf, cf)[0]
    ]
    assert [(r.score, int(r.candidate_id)) for r in results] == sorted(
        scalar, key=lambda row: (-row[0], row[1])
    )
    assert passed == {pk for _, pk in scalar}


def test_the_kept_rows_and_explanations_equal_the_pair_by_pair_ones(people, job) -> None:
    """The stored rows of a recompute (sub-scores as arrays, `ranking.pool_results`) against
    `score_match` pair by pair, the path that built them before, on the real rows."""
    import json
    from dataclasses import asdict

    from matching.adapters import job_facts
    from matching.lexical import TermStats
    from matching.scoring import score_match
    from matching.services.pool import pool_for_job

    services.recompute_matches_for_job(job_id=job.pk)
    rows = {m.candidate_id: m for m in Match.objects.filter(job=job)}
    pool = pool_for_job(job, sorted(set(services.retrieve_candidates(job)) | set(rows)))
    jf = job_facts(job)
    stats = TermStats.build(pool.facts, [jf])
    compared = 0
    for i, cf in enumerate(pool.facts):
        stored = rows.get(int(cf.id))
        if stored is None:
            continue
        scalar = score_match(
            jf,
            cf,
            weights=settings.MATCH_WEIGHTS,
            stats=stats,
            profile_cosine=pool.profile_cosines[i],
            experience_cosines=pool.experience_cosines[i],
        )
        # As the JSON column holds it (tuples read back as lists).
        assert stored.explanation == json.loads(json.dumps(asdict(scalar.explanation)))
        assert stored.explanation["factors"] and len(stored.explanation["factors"]) == 9
        assert (stored.score, stored.components, stored.subscores) == (
            scalar.score,
            scalar.components,
            scalar.subscores,
        )
        assert (stored.weights, stored.model_versions, stored.inputs_hash) == (
            scalar.weights,
            scalar.model_versions,
            scalar.inputs_hash,
        )
        compared += 1
    assert compared == len(rows) >= 2


def test_the_pool_rebuilds_the_facts_of_a_changed_profile(people, job) -> None:
    from matching.services.pool import pool_for_job

    pia = people["pia"]
    before = pool_for_job(job, [pia.pk]).facts[0]
    assert pool_for_job(job, [pia.pk]).facts[0] is before  # unchanged: the cached facts
    # Even a write that bypasses save() (no updated_at) changes the digest of the columns.
    CandidateProfile.objects.filter(pk=pia.pk).update(skills=["python", "kubernetes"])
    after = pool_for_job(job, [pia.pk]).facts[0]
    assert after.skills == {"python", "kubernetes"} and after is not before


def test_embedding_stores_each_entry_vector_in_a_pgvector_row_too(people) -> None:
    from matching.models import ExperienceVector

    vectors = ProfileVectors.objects.get(profile=people["pia"])
    rows = list(ExperienceVector.objects.filter(vectors=vectors).order_by("position"))
    assert [r.position for r in rows] == list(range(len(vectors.experience_vectors))) == [0]
    assert list(rows[0].embedding) == pytest.approx(vectors.experience_vectors[0], abs=1e-7)
    services.embed_profile(profile_id=people["pia"].pk)  # unchanged: the rows stay as they are
    assert ExperienceVector.objects.filter(vectors=vectors).count() == 1


def test_a_burst_of_change_events_makes_one_refresh_per_side(
    people, job, django_capture_on_commit_callbacks
) -> None:
    from jobs.signals import job_changed
    from resumes.signals import profile_updated

    pia = people["pia"]
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(3):
            job_changed.send(sender=None, job_id=job.pk, fields=["title"])
            profile_updated.send(
                sender=None, profile_id=pia.pk, user_id=pia.user_id, fields=["headline"]
            )
    assert len(callbacks) == 2  # one debounced refresh for the job, one for the candidate
    services.clear_pending("job-changed", job.pk)
    services.clear_pending("profile-changed", pia.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        job_changed.send(sender=None, job_id=job.pk, fields=["hiring_team"])
    assert callbacks == []  # a field no match depends on


def test_a_refresh_embeds_the_changed_side_again_before_ranking(
    people, job, django_capture_on_commit_callbacks
) -> None:
    from config.celery import tasks_in_this_process

    chef = people["chef"]
    services.recompute_matches_for_job(job_id=job.pk)
    semantic = Match.objects.get(job=job, candidate=chef).components["semantic"]
    before, kept = list(job.embedding), list(chef.embedding)
    Job.objects.filter(pk=job.pk).update(title="Pastry Chef", description="Bake bread and cakes.")
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.request_job_refresh(job_id=job.pk)
        assert services.request_profile_refresh(profile_id=chef.pk, user_id=chef.user_id)
    with tasks_in_this_process():
        for callback in callbacks:
            callback()  # the chains, as a worker runs them
    job.refresh_from_db()
    chef.refresh_from_db()
    assert list(job.embedding) != before  # the job's new text, embedded
    assert list(chef.embedding) == kept  # texts unchanged: vectors kept
    # Re-ranked with the new vector: the chef is nearer a pastry chef's job.
    assert Match.objects.get(job=job, candidate=chef).components["semantic"] > semantic
    # The chains' first tasks cleared the waiting marks: the next edit schedules a refresh.
    with django_capture_on_commit_callbacks() as again:
        assert services.request_job_refresh(job_id=job.pk)
        assert services.request_profile_refresh(profile_id=chef.pk, user_id=chef.user_id)
    assert len(again) == 2
    services.clear_pending("job-changed", job.pk)
    services.clear_pending("profile-changed", chef.pk)
