"""A company's own match weights (`Company.match_weights`): its jobs' matches are scored with
them in every path (a job's recompute, a candidate's, one pair), stored with each match, and a
change re-ranks the company's open jobs."""

from __future__ import annotations

import pytest

from jobs.models import Job
from matching import services
from matching.models import Match
from matching.scoring import normalize_weights

pytestmark = pytest.mark.django_db

LEXICAL_ONLY = {"semantic": 0.0, "traditional": 0.0}


def stored(job: Job) -> dict[int, Match]:
    return {m.candidate_id: m for m in Match.objects.filter(job=job)}


def test_a_jobs_recompute_scores_with_its_companys_weights(people, job, settings) -> None:
    services.recompute_matches_for_job(job_id=job.pk)
    platform = stored(job)
    assert {m.weights["semantic"] for m in platform.values()} == {
        normalize_weights(settings.MATCH_WEIGHTS)["semantic"]
    }
    job.company.match_weights = LEXICAL_ONLY
    job.company.save()
    services.recompute_matches_for_job(job_id=job.pk)
    own = stored(job)
    assert own.keys() == platform.keys()
    for pk, match in own.items():
        assert match.weights == {"lexical": 1.0, "semantic": 0.0, "traditional": 0.0}
        assert match.score == pytest.approx(match.components["lexical"], abs=1e-6)
        assert match.components == platform[pk].components  # the components do not move
        assert match.inputs_hash != platform[pk].inputs_hash  # the weights are inputs


def test_a_candidates_recompute_scores_each_job_with_its_own_companys_weights(
    people, job, globex
) -> None:
    globex.match_weights = LEXICAL_ONLY
    globex.save()
    other = Job.objects.create(
        company=globex, title=job.title, description=job.description, city=job.city,
        country=job.country, workplace=job.workplace, seniority=job.seniority,
        years_min=job.years_min, required_skills=job.required_skills,
        preferred_skills=job.preferred_skills, status=Job.Status.OPEN,
    )  # fmt: skip
    services.embed_job(job_id=other.pk)
    pia = people["pia"]
    services.recompute_matches_for_candidate(user_id=pia.user_id)
    mine = Match.objects.get(job=job, candidate=pia)
    theirs = Match.objects.get(job=other, candidate=pia)
    assert mine.weights == normalize_weights(job.company.match_weights_in_effect())
    assert theirs.weights == {"lexical": 1.0, "semantic": 0.0, "traditional": 0.0}
    assert mine.components == theirs.components  # the same posting, the same candidate
    assert theirs.score == pytest.approx(theirs.components["lexical"], abs=1e-6)
    assert mine.score != theirs.score


def test_one_pair_is_scored_with_the_jobs_companys_weights(people, job) -> None:
    job.company.match_weights = {"semantic": 3.0}  # the others keep the platform's
    job.company.save()
    match = services.match_pair(job=job, candidate=people["pia"])
    assert match.weights == normalize_weights({"lexical": 0.3, "semantic": 3.0, "traditional": 0.3})
    assert match.weights["semantic"] == pytest.approx(3.0 / 3.6)


def test_a_weight_change_requests_a_recompute_of_each_open_job(
    job, acme, django_capture_on_commit_callbacks
) -> None:
    Job.objects.create(company=acme, title="Draft", status=Job.Status.DRAFT)
    Job.objects.create(company=acme, title="Closed", status=Job.Status.CLOSED)
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.request_company_recompute(company_id=acme.pk) == 1
    assert len(callbacks) == 1  # the open job's, immediate: no debounce key left behind
