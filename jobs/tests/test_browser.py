"""A recruiter creates and publishes a job through the portal in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from config.testing import ARTIFACTS
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_recruiter_creates_and_publishes_a_job(live_server, recruiter: User, page: Page):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    page.goto(f"{base}/portal/jobs/")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobs at Acme Robotics")

    page.get_by_role("link", name="Post a job").click()
    page.locator("#id_title").fill("Site Reliability Engineer")
    page.locator("#id_description").fill(
        "Keep **Kubernetes** healthy. 3-5 years of experience with Terraform and Go."
    )
    page.locator("#id_workplace").select_option("hybrid")
    page.locator("#id_city").fill("Berlin")
    page.locator("#id_country").fill("DE")
    page.locator("#id_required_skills").fill("k8s, golang")
    page.locator("#id_salary_min").fill("90000")
    page.locator("#id_salary_max").fill("70000")
    page.locator("#id_salary_currency").fill("EUR")
    page.get_by_role("button", name="Save draft").click()
    # The form comes back with the error next to the field.
    expect(page.locator(".errorlist")).to_contain_text("at least the minimum")
    page.locator("#id_salary_max").fill("110000")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Site Reliability Engineer")
    expect(page.locator(".badge.status-draft")).to_have_text("Draft")
    expect(page.locator(".description strong")).to_have_text("Kubernetes")
    page.screenshot(path=ARTIFACTS / "jobs-01-draft.png", full_page=True)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".badge.status-open")).to_have_text("Open")
    expect(page.locator(".card").first).to_contain_text("Kubernetes")  # "k8s", normalized
    page.screenshot(path=ARTIFACTS / "jobs-02-published.png", full_page=True)

    # The list filters in place with htmx.
    page.get_by_role("link", name="Jobs", exact=True).click()
    page.evaluate("window.notReloaded = true")
    page.locator("select[name=workplace]").select_option("remote")
    expect(page.locator("#job-table")).to_contain_text("No jobs match")
    page.locator("select[name=workplace]").select_option("hybrid")
    expect(page.locator("#job-table")).to_contain_text("Site Reliability Engineer")
    assert page.evaluate("window.notReloaded") is True
    # (No database calls while Playwright's loop runs in this thread: the page shows the state.)
