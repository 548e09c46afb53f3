"""Recruiters edit their company's stages and rejection reasons, or give one job its own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications import services
from applications.models import PipelineStage, RejectionReason
from applications.services import PipelineError
from applications.tests.factories import stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, recruiter):
    client.force_login(recruiter)
    return client


def formset_data(stages, **changes):
    data = {
        "action": "save",
        "stages-TOTAL_FORMS": len(stages),
        "stages-INITIAL_FORMS": len(stages),
    }
    for i, s in enumerate(stages):
        data |= {
            f"stages-{i}-id": s.pk,
            f"stages-{i}-name": changes.get(s.slug, s.name),
            f"stages-{i}-position": s.position,
        }
        if s.is_interview:
            data[f"stages-{i}-is_interview"] = "on"
    return data


def test_an_owner_renames_adds_and_removes_company_stages(alice, acme):
    url = reverse("applications:stages")
    assert alice.get(url).status_code == 200
    stages = list(services.ensure_company_pipeline(company=acme))
    alice.post(url, formset_data(stages, screening="Phone screen"))
    assert PipelineStage.objects.get(company=acme, slug="screening").name == "Phone screen"
    alice.post(url, {"action": "add", "name": "Take-home task", "is_interview": "on"})
    added = PipelineStage.objects.get(company=acme, slug="take-home-task")
    assert added.is_interview and added.position < stage_position(acme, "hired")
    alice.post(url, {"action": "delete", "stage": added.pk})
    assert not PipelineStage.objects.filter(pk=added.pk).exists()


def stage_position(company, slug):
    return PipelineStage.objects.get(company=company, job=None, slug=slug).position


def test_a_stage_in_use_or_terminal_cannot_be_removed(application, job):
    with pytest.raises(PipelineError, match="rename it instead"):
        services.delete_stage(stage=stage(job, "applied"))
    with pytest.raises(PipelineError, match="needed"):
        services.delete_stage(stage=stage(job, "rejected"))


def test_a_plain_recruiter_cannot_change_the_pipeline(client, teammate, acme):
    client.force_login(teammate)
    assert client.get(reverse("applications:stages")).status_code == 200
    response = client.post(reverse("applications:stages"), {"action": "add", "name": "X"})
    assert response.status_code == 403
    assert not PipelineStage.objects.filter(slug="x").exists()


def test_a_job_gets_its_own_pipeline_from_the_portal(alice, job, application, acme):
    url = reverse("applications:job_stages", args=[job.pk])
    alice.post(url, {"action": "add", "name": "Ignored"})  # not customised yet
    assert not PipelineStage.objects.filter(slug="ignored").exists()
    alice.post(url, {"action": "customise"})
    alice.post(url, {"action": "add", "name": "Culture chat"})
    assert list(services.stages_for_job(job).values_list("slug", flat=True))[:5] == [
        "applied", "screening", "interview", "offer", "culture-chat",
    ]  # fmt: skip
    # The company's pipeline is untouched.
    assert not PipelineStage.objects.filter(company=acme, job=None, slug="culture-chat").exists()
    application.refresh_from_db()
    assert application.stage.job_id == job.pk


def test_rejection_reasons_are_added_and_switched_off(alice, acme):
    url = reverse("applications:stages")
    alice.get(url)
    alice.post(url, {"action": "add_reason", "label": "Relocation not possible"})
    reason = RejectionReason.objects.get(company=acme, label="Relocation not possible")
    alice.post(url, {"action": "toggle_reason", "reason": reason.pk})
    reason.refresh_from_db()
    assert reason.is_active is False


def test_another_company_cannot_touch_the_job_stages(client, other_recruiter, job):
    client.force_login(other_recruiter)
    url = reverse("applications:job_stages", args=[job.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "customise"}).status_code == 404
    assert not PipelineStage.objects.filter(job=job).exists()


def test_recruiters_add_and_remove_a_jobs_screening_questions(alice, job):
    url = reverse("applications:job_stages", args=[job.pk])
    alice.post(url, {"action": "add_question", "prompt": "Earliest start date?", "required": "on"})
    question = job.questions.get()
    assert (question.prompt, question.required) == ("Earliest start date?", True)
    assert "Earliest start date?" in alice.get(url).content.decode()
    alice.post(url, {"action": "delete_question", "question": question.pk})
    assert not job.questions.exists()
