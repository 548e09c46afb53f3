"""The vectorised pool scorer against the scalar reference, over a generated pool (no database)."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from matching.facts import SENIORITY_LEVELS, CandidateFacts, Experience, JobFacts
from matching.lexical import TermStats
from matching.ranking import pool_results, pool_scores, rounded
from matching.scoring import passes_filters, score_match, score_value

WORDS = [
    "python", "django", "postgresql", "docker", "kubernetes", "react", "typescript",
    "payments", "billing", "search", "pastry", "kitchen", "data", "pipelines", "airflow",
    "spark", "teams", "agile", "mentoring", "api", "rest", "graphql", "security", "cloud",
    "aws", "terraform", "mobile", "swift", "kotlin", "testing", "design", "figma", "research",
]  # fmt: skip
SKILLS = ["python", "django", "postgresql", "docker", "aws", "react", "go", "figma", "spark"]
MODEL = "model-a"


def _vector(rng: random.Random, dim: int = 8) -> tuple[float, ...]:
    if rng.random() < 0.03:
        return (0.0,) * dim  # a zero vector: no cosine
    return tuple(rng.gauss(0, 1) for _ in range(dim))


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _maybe(rng: random.Random, value: object, p: float = 0.7) -> object:
    return value if rng.random() < p else None


def make_candidate(rng: random.Random, i: int) -> CandidateFacts:
    experiences = tuple(
        Experience(
            title=_text(rng, 2),
            company=rng.choice(["", "Acme"]),
            description=_text(rng, rng.randint(0, 30)),
            embedding=_vector(rng) if rng.random() < 0.9 else None,
        )
        for _ in range(rng.randint(0, 3))
    )
    salary_min = _maybe(rng, rng.randrange(30_000, 150_000, 5_000))
    return CandidateFacts(
        id=str(i),
        headline=_text(rng, rng.randint(0, 4)),
        summary=_text(rng, rng.randint(0, 15)),
        skills=frozenset(rng.sample(SKILLS, rng.randint(0, 6))),
        experiences=experiences,
        extra_text=_text(rng, rng.randint(0, 5)),
        years_of_experience=_maybe(rng, round(rng.uniform(0, 25), 1)),
        seniority=rng.choice(["", *SENIORITY_LEVELS]),
        city=rng.choice(["", "Berlin", "berlin", "Munich", "Lisbon"]),
        country=rng.choice(["", "DE", "de", "PT", "US", "JP"]),
        remote_preference=rng.choice(["any", "onsite", "hybrid", "remote"]),
        work_authorization=frozenset(rng.sample(["DE", "PT", "US"], rng.randint(0, 2))),
        salary_min=salary_min,  # type: ignore[arg-type]
        salary_max=_maybe(rng, (salary_min or 60_000) + 20_000),  # type: ignore[arg-type]
        salary_currency=rng.choice(["", "EUR", "EUR", "USD"]),
        education_level=_maybe(rng, rng.randint(0, 5)),  # type: ignore[arg-type]
        languages=frozenset(rng.sample(["en", "de", "pt"], rng.randint(0, 3))),
        embedding=_vector(rng) if rng.random() < 0.9 else None,
        embedding_model=rng.choice([MODEL] * 9 + ["model-b", ""]),
    )


JOBS = [
    JobFacts(
        id="onsite",
        title="Senior Python Developer",
        description="Build Django APIs on PostgreSQL; payments and billing; Docker on AWS.",
        required_skills=("python", "django", "postgresql"),
        preferred_skills=("docker", "aws", "python"),
        seniority="senior",
        years_min=5,
        years_max=10,
        city="Berlin",
        country="DE",
        workplace="onsite",
        salary_min=70_000,
        salary_max=90_000,
        salary_currency="EUR",
        education_level=3,
        languages=frozenset({"en", "de"}),
        embedding_model=MODEL,
    ),
    JobFacts(
        id="remote",
        title="Data Engineer",
        description="Spark and Airflow data pipelines in the cloud.",
        preferred_skills=("spark",),
        years_min=3,
        workplace="remote",
        remote_countries=frozenset({"DE", "PT"}),
        remote_timezones=("Europe/Berlin", "America/New_York"),
        salary_min=50_000,
        embedding_model=MODEL,
    ),
    JobFacts(id="bare", title="Pastry chef", workplace="hybrid", country="PT", years_max=4),
    JobFacts(id="empty", title="", embedding_model=MODEL, years_min=0, years_max=2),
]


@pytest.fixture(scope="module")
def pool() -> list[CandidateFacts]:
    rng = random.Random(20261125)
    return [make_candidate(rng, i) for i in range(400)]


def _with_vector(job: JobFacts, rng: random.Random) -> JobFacts:
    return replace(job, embedding=_vector(rng)) if job.embedding_model else job


def _cosines(rng: random.Random, pool: list[CandidateFacts]):
    """Cosines as the database hands them over: some missing, some entries None (zero vectors)."""
    profile = [_maybe(rng, rng.uniform(-0.2, 0.9), 0.85) for _ in pool]
    experience = [
        _maybe(rng, tuple(_maybe(rng, rng.uniform(-0.2, 0.9), 0.9) for _ in c.experiences), 0.85)
        for c in pool
    ]
    return profile, experience


@pytest.mark.parametrize("job", JOBS, ids=[j.id for j in JOBS])
@pytest.mark.parametrize("with_database_cosines", [True, False])
def test_pool_scores_equal_the_scalar_scores(pool, job, with_database_cosines) -> None:
    rng = random.Random(job.id)
    job = _with_vector(job, rng)
    stats = TermStats.build(pool, [job])
    weights = {"lexical": 0.25, "semantic": 0.45, "traditional": 0.3}
    profile, experience = _cosines(rng, pool) if with_database_cosines else (None, None)
    scalar = [
        score_value(
            job,
            c,
            weights=weights,
            stats=stats,
            profile_cosine=profile[i] if profile else None,
            experience_cosines=experience[i] if experience else None,
        )
        for i, c in enumerate(pool)
    ]
    vectorised = pool_scores(
        job,
        pool,
        weights=weights,
        stats=stats,
        profile_cosines=profile,
        experience_cosines=experience,
    )
    assert len(set(scalar)) > 50  # the pool is varied enough to compare anything
    # Identical as stored (rounded to 6 places); unrounded, only summation order differs.
    assert [round(float(x), 6) for x in vectorised] == scalar
    assert np.abs(vectorised - np.array(scalar)).max() <= 5e-7


def test_the_vectorised_ranking_orders_the_pool_as_the_scalar_one(pool) -> None:
    job = _with_vector(JOBS[0], random.Random(3))
    passing = [c for c in pool if passes_filters(job, c)[0]]
    stats = TermStats.build(passing, [job])
    scalar = sorted(passing, key=lambda c: (-score_value(job, c, stats=stats), int(c.id)))
    scores = pool_scores(job, passing, stats=stats)
    vectorised = sorted(
        zip((round(float(x), 6) for x in scores), passing, strict=True),
        key=lambda row: (-row[0], int(row[1].id)),
    )
    assert [c.id for _, c in vectorised] == [c.id for c in scalar]


@pytest.mark.parametrize("job", JOBS, ids=[j.id for j in JOBS])
def test_pool_results_equal_score_match_pair_by_pair(pool, job) -> None:
    rng = random.Random(f"results-{job.id}")
    job = _with_vector(job, rng)
    stats = TermStats.build(pool, [job])
    weights = {"lexical": 0.25, "semantic": 0.45, "traditional": 0.3}
    profile, e_cos = _cosines(rng, pool)
    scalar = [
        score_match(
            job, c, weights=weights, stats=stats, profile_cosine=p, experience_cosines=e
        ).as_json()
        for c, p, e in zip(pool, profile, e_cos, strict=True)
    ]
    results = pool_results(
        job, pool, weights=weights, stats=stats, profile_cosines=profile, experience_cosines=e_cos
    )
    skills = {r["explanation"]["factors"]["skills"] for r in scalar}
    assert len(skills) > 1 or not job.required_skills  # the explanations differ across the pool
    assert [r.as_json() for r in results] == scalar


def test_an_empty_pool_scores_nothing() -> None:
    assert pool_scores(JOBS[0], []).shape == (0,)


def test_rounded_arrays_are_rounds_bit_for_bit() -> None:
    rng = np.random.default_rng(6)
    values = np.concatenate(
        [
            rng.random(20_000),
            rng.uniform(-1, 1, 20_000),
            rng.uniform(0, 1e6, 2_000),
            (np.arange(-20_000, 20_000) + 0.5) / 1e6,  # halves of the sixth decimal
            np.round(rng.random(2_000), 6) + 0.5e-6,
            [0.0, -0.0, -1e-9, 5e-7, -5e-7, 2.5e-6, 1e300, np.nan, np.inf, -np.inf],
        ]
    )
    expected = [None if v != v else round(v, 6) for v in values.tolist()]
    assert list(map(repr, rounded(values))) == list(map(repr, expected))  # -0.0 too


def test_the_idf_array_is_each_terms_idf(pool) -> None:
    stats = TermStats.build(pool, JOBS)
    terms = [*stats.df, "unseen"]
    assert stats.idfs(terms).tolist() == [stats.idf(t) for t in terms]
    assert TermStats().idfs(["any"]).tolist() == [TermStats().idf("any")]
