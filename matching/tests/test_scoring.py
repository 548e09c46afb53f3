"""Properties of the hybrid score, on hand-built facts (no database, no model)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matching.digest import inputs_hash
from matching.facts import CandidateFacts, Experience, JobFacts
from matching.lexical import TermStats
from matching.scoring import (
    SCORER_VERSION,
    inputs_hasher,
    lexical_component,
    location_fit,
    normalize_weights,
    passes_filters,
    salary_fit,
    score_match,
    score_value,
    traditional_component,
)

JOB = JobFacts(
    id="j1",
    title="Senior Python Developer",
    description="Build Django APIs on PostgreSQL and deploy them with Docker on AWS.",
    required_skills=("python", "django", "postgresql"),
    preferred_skills=("docker", "aws"),
    seniority="senior",
    years_min=5,
    years_max=10,
    city="Berlin",
    country="DE",
    workplace="hybrid",
    salary_min=70_000,
    salary_max=90_000,
    salary_currency="EUR",
)
ALICE = CandidateFacts(
    id="c1",
    headline="Senior Backend Engineer",
    summary="Python developer who ships Django services.",
    skills=frozenset({"python", "django", "postgresql", "docker", "aws"}),
    skill_evidence={
        "python": "- Wrote Python services handling 2k requests/s",
        "django": "- Built the billing API in Django",
        "postgresql": "- Tuned PostgreSQL queries",
        "docker": "Tools: Docker, AWS",
        "aws": "Tools: Docker, AWS",
    },
    experiences=(
        Experience(title="Senior Backend Engineer", company="Shop", description="Django APIs"),
    ),
    years_of_experience=7,
    seniority="senior",
    city="Berlin",
    country="DE",
    salary_min=75_000,
    salary_max=85_000,
    salary_currency="EUR",
)
STATS = TermStats()


def lexical(candidate: CandidateFacts, job: JobFacts = JOB) -> float:
    return lexical_component(job, candidate, STATS)[0]


def without(candidate: CandidateFacts, *slugs: str) -> CandidateFacts:
    return replace(candidate, skills=candidate.skills - set(slugs))


def test_every_component_lies_between_zero_and_one() -> None:
    result = score_match(JOB, ALICE)
    assert 0 <= result.score <= 1
    assert all(0 <= v <= 1 for v in result.components.values())


def test_more_matched_required_skills_never_lower_lexical() -> None:
    skills = ["python", "django", "postgresql"]
    values = [lexical(without(ALICE, *skills[i:])) for i in range(len(skills) + 1)]
    assert values == sorted(values)
    assert values[0] < values[-1]


def test_missing_a_required_skill_costs_more_than_missing_a_preferred_one() -> None:
    assert lexical(without(ALICE, "django")) < lexical(without(ALICE, "docker"))


def test_weights_are_normalised_and_must_not_all_be_zero() -> None:
    assert normalize_weights({"lexical": 2, "semantic": 1, "traditional": 1}) == {
        "lexical": 0.5,
        "semantic": 0.25,
        "traditional": 0.25,
    }
    with pytest.raises(ValueError):
        normalize_weights({"lexical": 0, "semantic": 0, "traditional": 0})
    heavy = score_match(JOB, ALICE, weights={"lexical": 1, "semantic": 0, "traditional": 0})
    assert heavy.score == pytest.approx(heavy.components["lexical"], abs=1e-6)


@pytest.mark.parametrize(
    ("ask", "expected"),
    [
        ((60_000, 80_000), 1.0),  # overlaps the range
        ((90_000, None), 1.0),  # asks exactly the top
        ((99_000, None), pytest.approx(0.8)),  # 10 % above the top
        ((200_000, None), 0.0),  # far above
    ],
)
def test_salary_fit_follows_the_overlap(ask: tuple[int, int | None], expected: float) -> None:
    candidate = replace(ALICE, salary_min=ask[0], salary_max=ask[1])
    assert salary_fit(JOB, candidate) == expected


def test_salary_outside_the_range_lowers_traditional() -> None:
    greedy = replace(ALICE, salary_min=150_000, salary_max=None)
    assert traditional_component(JOB, greedy)[0] < traditional_component(JOB, ALICE)[0]


def test_salary_in_another_currency_or_missing_is_unknown_not_a_mismatch() -> None:
    assert salary_fit(JOB, replace(ALICE, salary_currency="USD")) is None
    assert salary_fit(JOB, replace(ALICE, salary_min=None, salary_max=None)) is None


def test_location_prefers_the_same_city_then_the_same_country() -> None:
    same_city = location_fit(JOB, ALICE)
    same_country = location_fit(JOB, replace(ALICE, city="Munich"))
    abroad = location_fit(JOB, replace(ALICE, city="Lyon", country="FR"))
    assert same_city > same_country > abroad


def test_a_remote_job_fits_anywhere_it_allows() -> None:
    remote = replace(JOB, workplace="remote", remote_countries=frozenset({"DE", "FR"}))
    assert location_fit(remote, replace(ALICE, city="Lyon", country="FR")) == 1.0
    assert passes_filters(remote, replace(ALICE, country="FR"))[0]
    ok, why = passes_filters(remote, replace(ALICE, country="US"))
    assert not ok and "outside" in why


def test_remote_only_candidates_are_filtered_from_on_site_jobs() -> None:
    ok, why = passes_filters(JOB, replace(ALICE, remote_preference="remote"))
    assert not ok and "remote" in why


def test_work_authorization_is_a_filter_when_known() -> None:
    assert passes_filters(JOB, replace(ALICE, work_authorization=frozenset({"DE"})))[0]
    assert passes_filters(JOB, replace(ALICE, work_authorization=frozenset()))[0]
    assert not passes_filters(JOB, replace(ALICE, work_authorization=frozenset({"US"})))[0]


def test_explanation_links_each_matched_skill_to_its_resume_line() -> None:
    bob = without(ALICE, "postgresql", "aws")
    explanation = score_match(JOB, bob).explanation
    assert [(s.slug, s.evidence) for s in explanation.matched_required] == [
        ("python", "- Wrote Python services handling 2k requests/s"),
        ("django", "- Built the billing API in Django"),
    ]
    assert explanation.missing_required == ("PostgreSQL",)
    assert [s.slug for s in explanation.matched_preferred] == ["docker"]
    assert "missing PostgreSQL" in explanation.factors["skills"]
    assert set(explanation.factors) >= {"skills", "semantic", "years", "location", "salary"}
    assert all(sentence.endswith(".") for sentence in explanation.factors.values())


def test_the_result_records_weights_versions_and_a_stable_inputs_hash() -> None:
    first, second = score_match(JOB, ALICE), score_match(JOB, ALICE)
    assert first.inputs_hash == second.inputs_hash
    assert score_match(JOB, replace(ALICE, years_of_experience=2)).inputs_hash != first.inputs_hash
    assert first.model_versions["scorer"].startswith("hybrid")
    assert sum(first.weights.values()) == pytest.approx(1)
    assert first.as_json()["explanation"]["missing_required"] == ()


def test_a_jobs_inputs_hasher_gives_each_candidates_inputs_hash() -> None:
    weights = normalize_weights({"lexical": 0.2, "semantic": 0.5, "traditional": 0.3})
    hash_of = inputs_hasher(JOB, weights)
    for candidate in (ALICE, replace(ALICE, id="2", years_of_experience=2), CandidateFacts("3")):
        assert hash_of(candidate) == inputs_hash(JOB, candidate, weights, SCORER_VERSION)


def test_semantic_uses_only_vectors_of_the_same_model() -> None:
    job = replace(JOB, embedding=(1.0, 0.0), embedding_model="m1")
    same = replace(ALICE, embedding=(1.0, 0.0), embedding_model="m1")
    other = replace(same, embedding_model="m2")
    assert score_match(job, same).components["semantic"] == 1.0
    assert score_match(job, other).components["semantic"] == 0.0


def test_a_posting_that_states_nothing_does_not_outrank_a_fitting_one() -> None:
    vague = replace(JOB, seniority="", years_min=None, years_max=None, salary_max=None)
    vague = replace(vague, salary_min=None)
    assert traditional_component(vague, ALICE)[0] < traditional_component(JOB, ALICE)[0]


def test_score_value_equals_the_full_results_score() -> None:
    assert score_value(JOB, ALICE) == score_match(JOB, ALICE).score


def test_a_remote_job_prefers_candidates_in_its_time_zones() -> None:
    remote = replace(JOB, workplace="remote", remote_timezones=("Europe/Berlin",))
    near = location_fit(remote, replace(ALICE, country="PT"))  # 1 hour apart
    far = location_fit(remote, replace(ALICE, country="JP"))  # 7-8 hours apart
    assert near == 1.0 and far is not None and far < 0.6
    explanation = score_match(remote, replace(ALICE, country="JP")).explanation
    assert "Europe/Berlin" in explanation.factors["location"]
