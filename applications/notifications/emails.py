"""Email templates with safe variables: recruiters write text, never template code."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError

from applications.models import Application, EmailTemplate, PipelineStage

VARIABLES = {
    "candidate_name": "Carol Nguyen",
    "candidate_first_name": "Carol",
    "job_title": "Backend Engineer",
    "company_name": "Acme Robotics",
    "stage_name": "Interview",
}
PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")
ANY_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
DEFAULT_SUBJECT = "Your application for {{ job_title }} at {{ company_name }}"
DEFAULT_BODIES = {
    PipelineStage.Kind.OPEN: (
        "Hello {{ candidate_first_name }},\n\nYour application for {{ job_title }} at "
        "{{ company_name }} has moved to: {{ stage_name }}.\n\nWe will be in touch."
    ),
    PipelineStage.Kind.HIRED: (
        "Hello {{ candidate_first_name }},\n\nCongratulations: {{ company_name }} would like "
        "you to join as {{ job_title }}."
    ),
    PipelineStage.Kind.REJECTED: (
        "Hello {{ candidate_first_name }},\n\nThank you for applying for {{ job_title }} at "
        "{{ company_name }}. We have decided not to continue with your application."
    ),
    PipelineStage.Kind.WITHDRAWN: (
        "Hello {{ candidate_first_name }},\n\nYour application for {{ job_title }} was withdrawn."
    ),
}


def validate_template(text: str) -> None:
    """Only the known variables: recruiters write text, never template code."""
    used = {inner.strip() for inner in ANY_PLACEHOLDER.findall(text)}
    unknown = sorted(name for name in used if name not in VARIABLES)
    if unknown:
        raise ValidationError(
            f"Unknown variable(s): {', '.join(unknown)}. Use: {', '.join(VARIABLES)}."
        )
    if "{%" in text:
        raise ValidationError("Template tags ({% … %}) are not allowed; use {{ variables }}.")


def render_text(text: str, variables: Mapping[str, str]) -> str:
    """Substitute `{{ name }}` placeholders; the result is plain text (emails are text/plain)."""
    return PLACEHOLDER.sub(lambda m: str(variables.get(m.group(1), "")), text)


def variables_for(application: Application, stage: PipelineStage) -> dict[str, str]:
    candidate = application.candidate
    name = candidate.get_full_name() or candidate.email
    return {
        "candidate_name": name,
        "candidate_first_name": candidate.first_name or name,
        "job_title": application.job.title,
        "company_name": application.job.company.name,
        "stage_name": stage.name,
    }


def email_for_stage(application: Application, stage: PipelineStage) -> tuple[str, str]:
    template = EmailTemplate.objects.filter(
        company_id=application.job.company_id, stage_slug=stage.slug
    ).first()
    subject = template.subject if template else DEFAULT_SUBJECT
    body = template.body if template else DEFAULT_BODIES[stage.kind]
    variables = variables_for(application, stage)
    return render_text(subject, variables).replace("\n", " "), render_text(body, variables)


def preview_template(*, subject: str, body: str) -> tuple[str, str]:
    validate_template(subject)
    validate_template(body)
    return render_text(subject, VARIABLES).replace("\n", " "), render_text(body, VARIABLES)
