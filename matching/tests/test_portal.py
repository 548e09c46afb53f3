"""The ranked candidates on the recruiter's job page (an htmx fragment served by matching)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jobs.tests.factories import make_job
from matching import services
from matching.models import Match
from resumes.models import CandidateProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(people, job) -> Match:
    services.recompute_matches_for_job(job_id=job.pk)
    return Match.objects.filter(job=job).order_by("-score").first()


def fragment(client, job, **params):
    return client.get(reverse("matching:job-matches", args=[job.pk]), params)


def test_the_job_page_loads_the_ranked_candidates_with_htmx(client, recruiter, job) -> None:
    client.force_login(recruiter)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("matching:job-matches", args=[job.pk])}"' in page


def test_it_shows_candidates_ranked_with_bars_evidence_and_sentences(
    client, recruiter, people, ranked, job
) -> None:
    client.force_login(recruiter)
    html = fragment(client, job).content.decode()
    assert html.index("Pia") < html.index("Chef")  # best first; remo is filtered out
    assert "Remo" not in html
    assert html.count('role="meter"') == 2 * 3  # three component bars per candidate
    assert "Led the Django REST API rewrite" in html  # evidence line of a matched skill
    assert "Missing required" in html  # the chef lacks python, django, postgresql
    assert "years of experience against 5+ wanted" in html  # one sentence per factor
    assert html.index("<strong>Skills:</strong>") < html.index("<strong>Years:</strong>")
    assert f"{round(100 * ranked.score)}%" in html


def test_it_filters_by_minimum_score_and_must_have_skill(
    client, recruiter, people, ranked, job
) -> None:
    client.force_login(recruiter)
    only_django = fragment(client, job, skill="Django").content.decode()
    assert "Pia" in only_django and "Chef" not in only_django
    top = fragment(client, job, min_score=int(100 * ranked.score)).content.decode()
    assert "Pia" in top and "Chef" not in top


def test_it_filters_by_location_city_country_or_both(
    client, recruiter, people, ranked, job
) -> None:
    CandidateProfile.objects.filter(pk=people["chef"].pk).update(city="Hamburg", country="Germany")
    client.force_login(recruiter)

    def shown(location: str) -> set[str]:
        html = fragment(client, job, location=location).content.decode()
        return {name for name in ("Pia", "Chef") if name in html}

    assert shown("") == {"Pia", "Chef"}
    assert shown("berlin") == {"Pia"}  # a city, case ignored
    assert shown("DE") == shown("Germany") == {"Pia", "Chef"}  # a code or a name, either stored
    assert shown("Hamburg, DE") == {"Chef"}
    assert shown("Berlin, PT") == set()
    html = fragment(client, job, location="Lisbon").content.decode()
    assert "No ranked candidates yet for these filters" in html
    assert 'name="location" value="Lisbon"' in html  # kept in the form


def test_it_paginates(client, recruiter, people, ranked, job, monkeypatch) -> None:
    monkeypatch.setattr("matching.views.PAGE_SIZE", 1)
    client.force_login(recruiter)
    first = fragment(client, job).content.decode()
    assert "Pia" in first and "Chef" not in first and "Page 1 of 2" in first
    second = fragment(client, job, page=2).content.decode()
    assert "Chef" in second and "#2" in second
    # The filters go with the page links.
    filtered = fragment(client, job, location="DE", hidden="1").content.decode()
    assert "&location=DE&hidden=1" in filtered and "Page 1 of 2" in filtered


def test_it_rejects_other_company_recruiter(client, other_recruiter, job) -> None:
    client.force_login(other_recruiter)
    assert fragment(client, job).status_code == 404
    url = reverse("matching:job-recompute", args=[job.pk])
    assert client.post(url).status_code == 404


def test_the_recompute_button_enqueues_the_task_after_the_commit(
    client, teammate, job, django_capture_on_commit_callbacks
) -> None:
    client.force_login(teammate)
    url = reverse("matching:job-recompute", args=[job.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Recompute queued" in response.content.decode()
    assert len(callbacks) == 1


def test_a_draft_is_not_recomputed(client, recruiter, acme, django_capture_on_commit_callbacks):
    draft = make_job(acme, status="draft")
    client.force_login(recruiter)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("matching:job-recompute", args=[draft.pk]), HTTP_HX_REQUEST="true"
        )
    assert "Only open jobs are matched." in response.content.decode() and not callbacks


def test_a_current_llm_verdict_is_shown_and_a_stale_one_is_not(
    client, recruiter, people, ranked, job
) -> None:
    verdict = {
        "fit": 0.83,
        "summary": "Strong backend fit.",
        "model_id": "anthropic.claude-test",
        "requirements": [
            {
                "requirement": "Required skill: Django",
                "verdict": "met",
                "evidence": "Led the Django REST API rewrite",
                "reason": "Led a Django rewrite.",
            }
        ],
        "inputs_hash": ranked.inputs_hash,
    }
    Match.objects.filter(pk=ranked.pk).update(llm_verdict=verdict)
    client.force_login(recruiter)
    html = fragment(client, job).content.decode()
    assert "LLM fit 83%" in html and "Strong backend fit." in html
    assert "Led a Django rewrite." in html
    Match.objects.filter(pk=ranked.pk).update(llm_verdict=verdict | {"inputs_hash": "older"})
    assert "LLM fit" not in fragment(client, job).content.decode()


def test_shortlisting_and_hiding_are_kept_and_recorded_as_events(
    client, recruiter, people, ranked, job
) -> None:
    from analytics.models import Event

    client.force_login(recruiter)
    url = reverse("matching:match-feedback", args=[ranked.pk])
    html = client.post(url, {"action": "shortlist"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Shortlisted" in html
    event = Event.objects.get(kind="match.shortlisted")
    assert event.actor == recruiter and event.payload["score"] == ranked.score
    chef = Match.objects.filter(job=job).exclude(pk=ranked.pk).get()
    hide = reverse("matching:match-feedback", args=[chef.pk])
    html = client.post(hide, {"action": "hide"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Chef" not in html and Event.objects.filter(kind="match.hidden").exists()
    assert "Chef" in fragment(client, job, hidden="1").content.decode()
    services.recompute_matches_for_job(job_id=job.pk)  # a recompute keeps the feedback
    assert Match.objects.get(pk=chef.pk).feedback == Match.Feedback.HIDDEN


def test_feedback_is_refused_for_other_company_and_unknown_actions(
    client, recruiter, other_recruiter, people, ranked
) -> None:
    url = reverse("matching:match-feedback", args=[ranked.pk])
    client.force_login(other_recruiter)
    assert client.post(url, {"action": "hide"}).status_code == 404
    client.force_login(recruiter)
    assert client.post(url, {"action": "promote"}).status_code == 400
    assert Match.objects.get(pk=ranked.pk).feedback == ""
