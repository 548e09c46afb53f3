"""The dashboard page: the recruiter's own company only, charts drawn with their tables."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analytics.tests.dashboard_history import build_history

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def history(acme, globex, recruiter, teammate, other_recruiter):
    return build_history(
        acme=acme, globex=globex, alice=recruiter, bob=teammate, charlie=other_recruiter
    )


def test_it_draws_every_chart_as_svg_with_a_data_table(client, history):
    client.force_login(history.alice)
    response = client.get(reverse("analytics:dashboard"), MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    for chart in ("funnel", "time-in-stage", "scores", "sources", "activity"):
        assert f'id="chart-{chart}"' in html
        assert f'aria-labelledby="{chart}-svg-title {chart}-svg-desc"' in html
    assert html.count('<svg class="chart-svg" role="img"') == 5
    assert html.count("<summary>Data table</summary>") == 5
    assert '<th scope="row">Screening</th><td>4</td><td>4 · 67 % of previous</td>' in html
    assert "<td>88 %</td>" in html  # the hires' score rank: 0.875
    assert 'href="/portal/analytics/export/applications.csv?' in html


def test_htmx_gets_the_dashboard_body_only(client, history):
    client.force_login(history.alice)
    response = client.get(reverse("analytics:dashboard"), MARCH, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "chart-funnel" in html and "<html" not in html


def test_it_rejects_other_company_recruiter_on_a_job_filter(client, history, other_recruiter):
    client.force_login(other_recruiter)
    response = client.get(reverse("analytics:dashboard"), MARCH | {"job": history.backend.pk})
    assert response.status_code == 404


def test_other_company_recruiter_sees_only_their_own_figures(client, history, other_recruiter):
    client.force_login(other_recruiter)
    html = client.get(reverse("analytics:dashboard"), MARCH).content.decode()
    assert "Designer" not in html and "alice@acme.test" not in html
    assert "charlie" in html.lower()


def test_it_refuses_candidates_and_redirects_anonymous_visitors(client, candidate):
    url = reverse("analytics:dashboard")
    assert client.get(url).status_code == 302
    client.force_login(candidate)
    assert client.get(url).status_code == 403


def test_an_empty_company_gets_empty_charts(client, recruiter):
    client.force_login(recruiter)
    html = client.get(reverse("analytics:dashboard")).content.decode()
    assert "No data for these filters." in html


def test_a_reversed_date_range_is_a_form_error(client, recruiter):
    client.force_login(recruiter)
    response = client.get(
        reverse("analytics:dashboard"), {"start": "2026-03-31", "end": "2026-03-01"}
    )
    assert response.status_code == 200
    assert "The start date comes after the end date." in response.content.decode()
