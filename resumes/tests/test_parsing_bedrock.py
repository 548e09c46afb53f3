"""The Bedrock parser against botocore's Stubber (moto has no Converse API)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from config import aws
from resumes.parsing.base import ResumeParseError, ResumeParseTransientError
from resumes.parsing.bedrock import BedrockResumeParser

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
TEXT = (
    "Jane Doe\njane@example.org\nSkills\nJS, Postgres, Kubernetes\n"
    "Senior Engineer at Acme 2019 - Present"
)
ANSWER = {
    "name": "Jane Doe",
    "email": "jane@example.org",
    "phone": "",
    "city": "Berlin",
    "country": "DE",
    "headline": "Senior Engineer",
    "summary": "",
    "urls": ["https://github.com/janedoe"],
    "skills": ["JS", "Postgres", "Kubernetes", "Underwater basket weaving"],
    "experiences": [
        {
            "title": "Senior Engineer",
            "company": "Acme",
            "start": "2019",
            "end": None,
            "is_current": True,
        },
        {
            "title": "Engineer",
            "company": "Globex",
            "start": "Jan 2015",
            "end": "2018-12",
            "is_current": False,
        },
    ],
    "educations": [
        {"institution": "TU Munich", "degree": "BSc", "field": "Informatics", "end": "2014"}
    ],
    "languages": ["German", "English"],
}


def converse_response(text: str) -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 10, "outputTokens": 10, "totalTokens": 20},
        "metrics": {"latencyMs": 5},
    }


@pytest.fixture
def stubbed() -> Iterator[tuple[BedrockResumeParser, Stubber]]:
    client = aws.client("bedrock-runtime", region="us-east-1")
    with Stubber(client) as stubber:
        yield BedrockResumeParser(model_id=MODEL, client=client), stubber
        stubber.assert_no_pending_responses()


def test_it_parses_a_valid_answer_and_normalizes_skills(stubbed) -> None:
    parser, stubber = stubbed
    fenced = "```json\n" + json.dumps(ANSWER) + "\n```"
    expected = {"modelId": MODEL, "system": ANY, "messages": ANY, "inferenceConfig": ANY}
    stubber.add_response("converse", converse_response(fenced), expected)
    resume = parser.parse(TEXT)
    assert (resume.name, resume.email, resume.city, resume.engine) == (
        "Jane Doe",
        "jane@example.org",
        "Berlin",
        "bedrock-1",
    )
    assert resume.skills == ["js", "postgres", "kubernetes", "underwater basket weaving"]
    assert [m.slug for m in resume.skill_slugs] == ["javascript", "postgresql", "kubernetes"]
    assert resume.skill_slugs[0].line == "JS, Postgres, Kubernetes"
    current, older = resume.experiences
    assert (current.company, current.start, current.is_current) == ("Acme", "2019", True)
    assert (older.start, older.end) == ("2015-01", "2018-12")
    assert resume.educations[0].end == "2014"
    assert resume.languages == ["german", "english"]
    assert resume.years_of_experience and resume.years_of_experience > 6


def test_it_retries_once_on_invalid_json_then_gives_up(stubbed) -> None:
    parser, stubber = stubbed
    stubber.add_response("converse", converse_response("Sure! Here is the resume: {not json"))
    stubber.add_response("converse", converse_response(json.dumps({"name": "Jane"})))
    with pytest.raises(ResumeParseError, match="missing fields"):
        parser.parse(TEXT)


def test_a_second_answer_can_fix_the_first(stubbed) -> None:
    parser, stubber = stubbed
    stubber.add_response("converse", converse_response("no json here"))
    stubber.add_response("converse", converse_response(json.dumps(ANSWER)))
    assert parser.parse(TEXT).name == "Jane Doe"


def test_throttling_is_a_transient_error(stubbed) -> None:
    parser, stubber = stubbed
    stubber.add_client_error(
        "converse", service_error_code="ThrottlingException", http_status_code=429
    )
    with pytest.raises(ResumeParseTransientError):
        parser.parse(TEXT)


def test_a_refused_request_is_permanent(stubbed) -> None:
    parser, stubber = stubbed
    stubber.add_client_error(
        "converse", service_error_code="ValidationException", http_status_code=400
    )
    with pytest.raises(ResumeParseError):
        parser.parse(TEXT)


def test_empty_text_never_reaches_bedrock(stubbed) -> None:
    parser, _stubber = stubbed
    with pytest.raises(ResumeParseError):
        parser.parse("  ")
