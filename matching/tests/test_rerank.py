"""The LLM re-ranker: Bedrock Converse through botocore's Stubber, validation, stored verdicts."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from matching import services, verdicts
from matching.adapters import candidate_facts, job_facts
from matching.models import Match
from matching.rerank import RerankError, TransientRerankError, get_reranker
from matching.rerank.bedrock import SYSTEM_PROMPT, BedrockReranker, requirements_of

MODEL = "anthropic.claude-test"
RERANKER = {"BACKEND": "matching.rerank.bedrock.BedrockReranker", "OPTIONS": {"model_id": MODEL}}


def stubbed_client() -> tuple[Any, Stubber]:
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    stubber = Stubber(client)
    stubber.activate()
    return client, stubber


def answer(stubber: Stubber, text: str, expected: dict[str, Any] | None = None) -> None:
    stubber.add_response(
        "converse",
        {
            "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 10, "outputTokens": 10, "totalTokens": 20},
            "metrics": {"latencyMs": 5},
        },
        expected
        or {
            "modelId": MODEL,
            "system": [{"text": SYSTEM_PROMPT}],
            "messages": ANY,
            "inferenceConfig": {"maxTokens": 2000, "temperature": 0},
        },
    )


def verdict_json(requirements: list[str], **overrides: Any) -> str:
    entries = [
        {"requirement": r, "verdict": "met", "evidence": "", "reason": "Shown in the resume."}
        for r in requirements
    ]
    return json.dumps({"fit": 0.8, "summary": "A strong fit.", "requirements": entries} | overrides)


@pytest.fixture
def pair(people, job):
    return job_facts(job), candidate_facts(people["pia"])


@pytest.mark.django_db
def test_the_requirements_come_from_the_jobs_facts(pair) -> None:
    jf, _ = pair
    assert requirements_of(jf) == [
        "Required skill: Python",
        "Required skill: Django",
        "Required skill: PostgreSQL",
        "Preferred skill: Docker",
        "Preferred skill: Kubernetes",
        "Experience: 5+ years",
        "Seniority: senior",
        "Location: hybrid in Berlin",
    ]


@pytest.mark.django_db
def test_a_valid_verdict_is_read_and_made_up_quotes_are_dropped(pair) -> None:
    jf, cf = pair
    client, stubber = stubbed_client()
    requirements = requirements_of(jf)
    entries = json.loads(verdict_json(requirements))["requirements"]
    entries[1] |= {"evidence": "Led the Django REST API  rewrite", "reason": "Led a rewrite."}
    entries[4] |= {"verdict": "not_met", "evidence": "Ran Kubernetes at Google"}  # not in it
    answer(stubber, "```json\n" + json.dumps({"fit": 0.74, "summary": "Good.",
                                              "requirements": entries}) + "\n```")  # fmt: skip
    verdict = BedrockReranker(model_id=MODEL, client=client).judge(job=jf, candidate=cf)
    stubber.assert_no_pending_responses()
    assert verdict.fit == 0.74 and verdict.model_id == MODEL
    by_name = {v.requirement: v for v in verdict.requirements}
    assert by_name["Required skill: Django"].evidence == "Led the Django REST API  rewrite"
    assert by_name["Preferred skill: Kubernetes"].verdict == "not_met"
    assert by_name["Preferred skill: Kubernetes"].evidence == ""


@pytest.mark.django_db
def test_the_prompt_carries_requirements_and_resume_lines_but_no_name(pair) -> None:
    jf, cf = pair
    prompt = BedrockReranker(model_id=MODEL, client=object()).prompt(job=jf, candidate=cf)
    assert "1. Required skill: Python" in prompt and "- Tuned PostgreSQL indexes" in prompt
    assert "Pia" not in prompt and "@" not in prompt


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [
        "I think they fit well.",
        json.dumps({"fit": 1.5, "requirements": []}),
        json.dumps({"fit": 0.5, "requirements": []}),  # a requirement without a verdict
    ],
)
def test_an_invalid_answer_is_asked_again_once_then_refused(pair, bad) -> None:
    jf, cf = pair
    client, stubber = stubbed_client()
    answer(stubber, bad)
    answer(stubber, bad)
    with pytest.raises(RerankError, match="invalid twice"):
        BedrockReranker(model_id=MODEL, client=client).judge(job=jf, candidate=cf)
    stubber.assert_no_pending_responses()


@pytest.mark.django_db
def test_a_wrong_verdict_word_is_corrected_on_the_second_attempt(pair) -> None:
    jf, cf = pair
    client, stubber = stubbed_client()
    requirements = requirements_of(jf)
    wrong = json.loads(verdict_json(requirements))
    wrong["requirements"][0]["verdict"] = "yes"
    answer(stubber, json.dumps(wrong))
    answer(stubber, verdict_json(requirements))
    verdict = BedrockReranker(model_id=MODEL, client=client).judge(job=jf, candidate=cf)
    assert [v.verdict for v in verdict.requirements] == ["met"] * len(requirements)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "error"),
    [("ThrottlingException", TransientRerankError), ("AccessDeniedException", RerankError)],
)
def test_service_errors_say_whether_to_retry(pair, code, error) -> None:
    jf, cf = pair
    client, stubber = stubbed_client()
    stubber.add_client_error("converse", service_error_code=code, http_status_code=400)
    with pytest.raises(error) as caught:
        BedrockReranker(model_id=MODEL, client=client).judge(job=jf, candidate=cf)
    assert (caught.type is TransientRerankError) == (error is TransientRerankError)


@pytest.mark.django_db
def test_the_reranker_is_off_by_default() -> None:
    assert get_reranker() is None


@pytest.mark.django_db
def test_the_top_n_get_a_stored_verdict_beside_the_unchanged_score(
    people, job, settings, django_capture_on_commit_callbacks
) -> None:
    settings.MATCH_RERANKER = RERANKER | {"OPTIONS": {"model_id": MODEL, "top_n": 1}}
    client, stubber = stubbed_client()
    get_reranker()._client = client
    with django_capture_on_commit_callbacks() as callbacks:
        services.recompute_matches_for_job(job_id=job.pk)
    assert len(callbacks) == 1  # the re-rank task, enqueued after the commit
    before = {m.pk: (m.score, m.components) for m in Match.objects.filter(job=job)}
    answer(stubber, verdict_json(requirements_of(job_facts(job))))
    assert verdicts.rerank_job_matches(job_id=job.pk) == 1  # top_n=1: only the best
    stubber.assert_no_pending_responses()
    best, other = Match.objects.filter(job=job).order_by("-score")
    assert best.candidate_id == people["pia"].pk
    assert best.current_verdict["fit"] == 0.8 and not other.llm_verdict
    assert {m.pk: (m.score, m.components) for m in Match.objects.filter(job=job)} == before
    # Unchanged inputs: nothing is sent again (the stubber has no response left to give).
    assert verdicts.rerank_job_matches(job_id=job.pk) == 0


@pytest.mark.django_db
def test_a_permanent_failure_is_stored_and_not_shown(people, job, settings) -> None:
    settings.MATCH_RERANKER = RERANKER | {"OPTIONS": {"model_id": MODEL, "top_n": 1}}
    client, stubber = stubbed_client()
    get_reranker()._client = client
    services.recompute_matches_for_job(job_id=job.pk)
    answer(stubber, "no idea")
    answer(stubber, "still no idea")
    assert verdicts.rerank_job_matches(job_id=job.pk) == 1
    best = Match.objects.filter(job=job).order_by("-score").first()
    assert "invalid twice" in best.llm_verdict["error"] and best.current_verdict == {}
    assert verdicts.rerank_job_matches(job_id=job.pk) == 0  # not retried on unchanged inputs


@pytest.mark.django_db
def test_a_transient_failure_propagates_for_the_tasks_retry(people, job, settings) -> None:
    settings.MATCH_RERANKER = RERANKER
    client, stubber = stubbed_client()
    get_reranker()._client = client
    services.recompute_matches_for_job(job_id=job.pk)
    stubber.add_client_error(
        "converse", service_error_code="ThrottlingException", http_status_code=429
    )
    with pytest.raises(TransientRerankError):
        verdicts.rerank_job_matches(job_id=job.pk)
    assert not Match.objects.filter(job=job).exclude(llm_verdict={}).exists()
