"""A recruiter reads the ranked candidates of a job in a real browser (htmx fragment)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from config.testing import ARTIFACTS
from conftest import PASSWORD
from matching import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ranked_job(people, job):
    # Before the page opens: no database calls while Playwright's loop runs in this thread.
    services.recompute_matches_for_job(job_id=job.pk)
    return job


def test_recruiter_reads_filters_and_recomputes_ranked_candidates(
    live_server, recruiter, ranked_job, page: Page
):
    job = ranked_job
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/portal/jobs/{job.pk}/")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    ranked = page.locator("#job-matches")
    expect(ranked.locator("article.match")).to_have_count(2)  # pia and the chef; remo filtered
    expect(ranked.locator("article.match").first).to_contain_text("Pia")
    expect(ranked.locator("article.match").first.locator('[role="meter"]')).to_have_count(3)
    expect(ranked).to_contain_text("Led the Django REST API rewrite")
    first = ranked.locator("article.match").first
    first.get_by_text("Why this score").click()
    expect(first).to_contain_text("years of experience against 5+ wanted")
    page.screenshot(path=ARTIFACTS / "matching-01-ranked.png", full_page=True)

    page.evaluate("window.notReloaded = true")
    ranked.get_by_label("Location").fill("Lisbon")
    ranked.get_by_role("button", name="Filter").click()
    expect(page.locator("#job-matches")).to_contain_text("No ranked candidates yet for these")
    page.locator("#job-matches").get_by_label("Location").fill("Berlin, DE")
    page.locator("#job-matches").get_by_label("Must have skill").fill("Django")
    page.locator("#job-matches").get_by_role("button", name="Filter").click()
    expect(page.locator("#job-matches article.match")).to_have_count(1)
    page.locator("#job-matches").get_by_role("button", name="Recompute").click()
    expect(page.locator("#job-matches")).to_contain_text("Recompute queued")
    assert page.evaluate("window.notReloaded") is True
