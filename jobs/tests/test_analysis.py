"""Job analysis: the local analyzer, the Bedrock one (botocore Stubber), the service, and the
task once through a real Celery worker."""

import json

import boto3
import pytest
from botocore.stub import Stubber

from jobs import services
from jobs.analysis.base import JobAnalysisError, JobAnalysisTransientError
from jobs.analysis.bedrock import SYSTEM_PROMPT, BedrockJobAnalyzer
from jobs.analysis.local import LocalJobAnalyzer, find_years
from jobs.models import Job

DESCRIPTION = """We build data pipelines.

You have 3-5 years of experience with Python and PostgreSQL, you know Docker,
and excellent communication skills. Kubernetes is a plus."""


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("3-5 years of experience", (3, 5)),
        ("3 to 5 years in backend", (3, 5)),
        ("5+ years with Python", (5, None)),
        ("at least 4 years of professional Python experience", (4, None)),
        ("Minimum of two years experience", (2, None)),
        ("We were founded 10 years ago", (None, None)),
    ],
)
def test_local_analyzer_reads_years(text, years):
    assert find_years(text) == years


def test_local_analyzer_finds_skills_through_the_normalizer():
    result = LocalJobAnalyzer().analyze(title="Data Engineer", description=DESCRIPTION)
    slugs = [s.slug for s in result.skills]
    assert {"python", "postgresql", "docker", "kubernetes"} <= set(slugs)
    assert "excel" not in slugs
    assert (result.years_min, result.years_max) == (3, 5)


def _stubbed(answer_text: str | None = None, error_code: str | None = None):
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    stubber = Stubber(client)
    expected = {
        "modelId": "anthropic.claude-test",
        "system": [{"text": SYSTEM_PROMPT}],
        "messages": [
            {"role": "user", "content": [{"text": f"Title: Data Engineer\n\n{DESCRIPTION}"}]}
        ],
        "inferenceConfig": {"maxTokens": 1000, "temperature": 0},
    }
    if error_code:
        stubber.add_client_error("converse", service_error_code=error_code, http_status_code=429)
    else:
        stubber.add_response(
            "converse",
            {
                "output": {"message": {"role": "assistant", "content": [{"text": answer_text}]}},
                "stopReason": "end_turn",
                "usage": {"inputTokens": 10, "outputTokens": 10, "totalTokens": 20},
                "metrics": {"latencyMs": 5},
            },
            expected,
        )
    stubber.activate()
    return client, stubber


def test_bedrock_analyzer_normalizes_the_models_answer():
    answer = json.dumps(
        {
            "skills": ["Python 3", "Postgres", "Dockerr", "k8s", "Python"],
            "years_min": 3,
            "years_max": 5,
        }
    )
    client, stubber = _stubbed(f"```json\n{answer}\n```")
    analyzer = BedrockJobAnalyzer(model_id="anthropic.claude-test", client=client)
    result = analyzer.analyze(title="Data Engineer", description=DESCRIPTION)
    stubber.assert_no_pending_responses()
    # Unknown names ("Dockerr") are dropped; aliases land on one slug each.
    assert [s.slug for s in result.skills] == ["python", "postgresql", "kubernetes"]
    assert (result.years_min, result.years_max) == (3, 5)
    assert result.backend == "bedrock:anthropic.claude-test"


def test_bedrock_analyzer_rejects_an_answer_that_is_not_json():
    client, _ = _stubbed("Sure! The skills are Python and SQL.")
    analyzer = BedrockJobAnalyzer(model_id="anthropic.claude-test", client=client)
    with pytest.raises(JobAnalysisError):
        analyzer.analyze(title="Data Engineer", description=DESCRIPTION)


def test_bedrock_throttling_is_transient():
    client, _ = _stubbed(error_code="ThrottlingException")
    analyzer = BedrockJobAnalyzer(model_id="anthropic.claude-test", client=client)
    with pytest.raises(JobAnalysisTransientError):
        analyzer.analyze(title="Data Engineer", description=DESCRIPTION)


def test_bedrock_access_denied_is_permanent():
    client, _ = _stubbed(error_code="AccessDeniedException")
    analyzer = BedrockJobAnalyzer(model_id="anthropic.claude-test", client=client)
    with pytest.raises(JobAnalysisError):
        analyzer.analyze(title="Data Engineer", description=DESCRIPTION)


@pytest.mark.django_db
def test_analysis_suggests_only_skills_not_listed_and_is_idempotent(acme, make_job):
    job = make_job(acme, title="Data Engineer", description=DESCRIPTION, required_skills=["python"])
    job = services.analyze_job(job_id=job.pk)
    assert job.analysis_status == Job.AnalysisStatus.DONE
    suggested = {s["slug"] for s in job.analysis["skills"]}
    assert "python" not in suggested and {"postgresql", "docker"} <= suggested
    analyzed_at = job.analyzed_at
    assert services.analyze_job(job_id=job.pk).analyzed_at == analyzed_at


@pytest.mark.django_db
def test_dismissed_suggestions_are_not_suggested_again(acme, make_job):
    job = make_job(acme, title="Data Engineer", description=DESCRIPTION)
    job = services.analyze_job(job_id=job.pk)
    services.resolve_suggestions(
        job=job, decided=["docker"], rejected=["docker"], years_decided=False
    )
    Job.objects.filter(pk=job.pk).update(description=DESCRIPTION + "\nDocker everywhere.")
    job = services.analyze_job(job_id=job.pk)
    assert "docker" not in {s["slug"] for s in job.analysis["skills"]}
    assert job.analysis["rejected"] == ["docker"]


@pytest.mark.django_db
def test_a_permanent_analyzer_failure_marks_the_job(acme, make_job, settings):
    settings.JOB_ANALYZER = {
        "BACKEND": "jobs.analysis.bedrock.BedrockJobAnalyzer",
        "OPTIONS": {"model_id": "anthropic.claude-test"},
    }
    job = make_job(acme, title="Data Engineer", description=DESCRIPTION)
    client, _ = _stubbed("not json")
    from jobs.analysis import get_job_analyzer

    get_job_analyzer()._client = client
    job = services.analyze_job(job_id=job.pk)
    assert job.analysis_status == Job.AnalysisStatus.FAILED
    assert "JSON" in job.analysis_error


@pytest.mark.slow
def test_saving_a_job_analyses_it_in_a_real_worker(
    transactional_db, celery_worker, acme, recruiter
):
    job = services.create_job(
        company=acme,
        created_by=recruiter,
        fields={"title": "Data Engineer", "description": DESCRIPTION, "city": "Berlin"},
    )
    assert job.analysis_status == Job.AnalysisStatus.PENDING

    def analysed():
        job.refresh_from_db()
        return job.analysis_status == Job.AnalysisStatus.DONE and job.indexed_at

    celery_worker.wait_for(analysed, timeout=60)
    assert {"python", "postgresql", "docker"} <= {s["slug"] for s in job.analysis["skills"]}
    assert (job.analysis["years_min"], job.analysis["years_max"]) == (3, 5)
