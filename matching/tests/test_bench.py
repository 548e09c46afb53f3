"""bench_matching's synthetic data: composed vectors stand in for the profiles' own texts, and
the command loads, indexes and measures on them (a smoke run on the test database)."""

from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from django.db import connection

from matching import bench
from matching.bench_vectors import Composer, profile_texts
from matching.management.commands.bench_matching import Command as BenchMatching
from matching.tests.conftest import drop_ivf_parts
from resumes.models import CandidateProfile
from resumes.skills import all_skills

KNOWN = {s.slug for s in all_skills()}


@pytest.fixture(scope="module")
def composer(local_embedder) -> Composer:
    return bench.composer_for(local_embedder, KNOWN, rare=60, activities=60, fit=150)


def test_composed_vectors_stand_for_the_embeddings_of_the_profiles_own_texts(
    composer, local_embedder
):
    mean, low = composer.fidelity
    assert 0.8 < mean <= 1 and low > 0.7
    assert mean > composer.random_pair + 0.25  # far closer than two profiles are

    [chunk] = bench.chunks(40, composer.role_vectors, seed=1, known_skills=KNOWN,
                           composer=composer, rare=60)  # fmt: skip
    texts = profile_texts(chunk)
    assert all(f"Skilled in {composer.skill_names[composer.index[s]]}" in text
               for text, skills in zip(texts, chunk.skills, strict=True)
               for s in skills[:1])  # fmt: skip
    real = np.asarray(local_embedder.embed(texts), dtype=np.float32)
    similarity = chunk.vectors @ real.T
    own = np.diag(similarity)
    assert own.mean() > 0.8
    # Each composed vector points at its own text more than at the average other profile's,
    # and its own text's embedding is among its 3 nearest of the 40 for nearly every profile.
    assert (own > similarity.mean(axis=1)).all()
    ranks = (similarity > own[:, None]).sum(axis=1)
    assert (ranks < 3).mean() >= 0.9
    assert np.allclose(np.linalg.norm(chunk.vectors, axis=1), 1, atol=1e-5)


def test_residuals_spread_profiles_that_share_their_parts_as_real_texts_spread(composer):
    [chunk] = bench.chunks(200, composer.role_vectors, seed=2, known_skills=KNOWN,
                           composer=composer, rare=60)  # fmt: skip
    bare = composer.vectors(chunk.roles, chunk.skills, chunk.activities)  # no residual
    assert composer.residual_basis is not None
    # Its draws have the fit's residual spread (about half a composed vector's norm).
    draws = np.random.default_rng(0).standard_normal((500, 384)) @ composer.residual_basis
    assert 0.2 < np.linalg.norm(draws, axis=1).mean() < 0.8
    # Two profiles of one role: without residual nearly the same vector, with it apart.
    same = chunk.roles[:, None] == chunk.roles[None, :]
    np.fill_diagonal(same, False)
    with_residual = (chunk.vectors @ chunk.vectors.T)[same].mean()
    without = (bare @ bare.T)[same].mean()
    assert with_residual < without - 0.03
    # Each vector still points at its own parts.
    assert (chunk.vectors * bare).sum(axis=1).min() > 0.8
    assert 0.7 < composer.fidelity_with_residual < composer.fidelity[0]


def test_blobs_and_random_vectors_remain_as_options(composer):
    [blobs] = bench.chunks(50, composer.role_vectors, seed=1, known_skills=KNOWN, rare=60)
    [uniform] = bench.chunks(
        50, composer.role_vectors, seed=1, known_skills=KNOWN, rare=60, random_vectors=True
    )
    # A blob point keeps its role vector's direction; a uniform one is unrelated to every role.
    to_role = (blobs.vectors * composer.role_vectors[blobs.roles]).sum(axis=1)
    assert to_role.mean() > 0.7
    assert np.abs(uniform.vectors @ composer.role_vectors.T).max() < 0.4
    assert blobs.summary[0] in bench.ROLES  # the role text, no composed summary


def run_bench(candidates: int, *more: str) -> str:
    """What `bench_matching` prints for a small load on the test database."""
    out = StringIO()
    command = BenchMatching(stdout=out)
    command.lines = []
    parser = command.create_parser("manage.py", "bench_matching")
    options = vars(parser.parse_args([
        "--candidates", str(candidates), "--jobs", "2", "--queries", "2", "--rerank-jobs", "2",
        "--rare-skills", "60", "--activities", "60", *more,
    ]))  # fmt: skip
    command.benchmark(options)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_bench_matching_loads_composed_profiles_and_measures_retrieval_and_rerank():
    text = run_bench(400, "--ef", "40")
    assert "vectors composed from the embeddings of their texts' parts" in text
    assert "cosine to the real embedding of the same profile text" in text
    assert "generated and loaded with binary COPY" in text
    assert "recall@50" in text and "exact top-50, narrow vector table" in text
    assert "top 50 candidates for a job, unfiltered" in text and "p95 / 30 ms target" in text
    profiles = CandidateProfile.objects.filter(user__email__startswith="bench")
    assert profiles.count() == 400
    # The bulk load bypasses the triggers: it fills the skill table itself.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM matching_candidateskill")
        assert cursor.fetchone()[0] == sum(len(p.skills) for p in profiles) > 400
    sample = profiles.order_by("pk").first()
    assert ". Skilled in " in sample.summary and ". Also: " in sample.summary


@pytest.fixture
def small_ivf(monkeypatch, settings):
    """The IVF index's parts for a table of a few hundred rows; dropped after (they outlive
    the test's flush)."""
    from matching import bench_load

    monkeypatch.setattr(bench_load, "IVF_MIN_ROWS", 200)
    settings.MATCH_EXACT_MAX_ROWS = -1  # the index, however small the pool
    yield
    drop_ivf_parts()


@pytest.mark.django_db(transaction=True)
def test_bench_matching_measures_the_ivf_parts_at_once_beside_one_after_the_other(small_ivf):
    text = run_bench(300)
    assert "IVF index on the narrow vector table (2 parts of 1 lists" in text
    assert "service, IVF (2 parts of 1 lists) 1 probed in each (share 0.02)" in text
    assert "service, the parts one after the other on one connection, IVF" in text
    assert "this / the parts at once (p50)" in text
    assert "retrieval (IVF 1 of 1 lists in each of 2 parts" in text
