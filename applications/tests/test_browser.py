"""A recruiter drags a card across the kanban board in a real browser; the candidate then
sees the notification through the API (the real worker creates it after the commit)."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page, expect

from config.testing import ARTIFACTS, wait_until
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def candidate_session(base: str, email: str) -> requests.Session:
    """Sign in as the mobile app does (allauth headless, app client)."""
    session = requests.Session()
    response = session.post(
        f"{base}/_allauth/app/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    session.headers["X-Session-Token"] = response.json()["meta"]["session_token"]
    return session


def test_a_card_dragged_to_interview_notifies_the_candidate(
    celery_worker, live_server, application, recruiter, page: Page
):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    job_id = application.job_id
    page.goto(f"{base}/portal/applications/jobs/{job_id}/board/")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    applied = page.locator('section.column[data-stage="applied"]')
    interview = page.locator('section.column[data-stage="interview"]')
    card = page.get_by_test_id("card-carol@example.test")
    expect(applied).to_contain_text("Carol")
    page.screenshot(path=ARTIFACTS / "applications-01-board.png", full_page=True)

    card.drag_to(interview, source_position={"x": 4, "y": 4})  # the card, not its form
    expect(interview.get_by_test_id("card-carol@example.test")).to_be_visible()
    expect(applied).not_to_contain_text("Carol")
    page.screenshot(path=ARTIFACTS / "applications-02-moved.png", full_page=True)

    # Without drag and drop: the card's own "Move" form (htmx) does the same.
    moved = interview.get_by_test_id("card-carol@example.test")
    moved.get_by_label("Move carol@example.test to").select_option(label="Offer")
    moved.get_by_role("button", name="Move").click()
    expect(page.locator('section.column[data-stage="offer"]')).to_contain_text("Carol")

    app = candidate_session(base, "carol@example.test")

    def titles() -> list[str]:
        rows = app.get(f"{base}/api/v1/notifications/").json()["results"]
        return [row["title"] for row in rows]

    wait_until(lambda: "Robot Whisperer: Offer" in titles(), timeout=60)
    assert "Robot Whisperer: Interview" in titles()
    detail = app.get(f"{base}/api/v1/applications/{application.pk}/").json()
    assert [h["to_stage"]["slug"] for h in detail["history"]] == ["applied", "interview", "offer"]


@pytest.fixture
def two_page_application(candidate, acme, job, recruiter):
    """Made before the browser starts (Django refuses the database inside Playwright's loop)."""
    from applications.tests.factories import make_application
    from resumes.tests import documents
    from resumes.tests.factories import make_resume

    pdf = documents.one_column_pdf(documents.SAMPLE_LINES, pages=2)
    make_resume(owner=candidate, is_primary=True, data=pdf, page_count=2)
    return make_application(company=acme, candidate=candidate, job=job)


def test_the_resume_pages_load_as_images_under_the_content_security_policy(
    live_server, two_page_application, page: Page
):
    """The page fixture fails on any console error, a CSP violation included."""
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    page.goto(f"{base}/portal/applications/{two_page_application.pk}/")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    pages = page.get_by_test_id("resume-pages").get_by_role("img")
    expect(pages).to_have_count(2)
    for image in pages.all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") == 935
    page.screenshot(path=ARTIFACTS / "applications-03-resume-pages.png", full_page=True)
