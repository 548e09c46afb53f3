"""A recruiter opens the dashboards in a real browser (Debian's Chromium through Playwright)
and sees the charts drawn from the hand-built history (analytics/tests/dashboard_history.py),
each with its data table."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from analytics.tests.dashboard_history import build_history
from config.testing import ARTIFACTS
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("funnel", "time-in-stage", "scores", "sources", "activity")


@pytest.fixture
def history(acme, globex, recruiter, teammate, other_recruiter):
    # Built before the browser starts: Playwright's loop in this thread forbids the ORM.
    return build_history(
        acme=acme, globex=globex, alice=recruiter, bob=teammate, charlie=other_recruiter
    )


def bar_widths(page: Page, chart: str) -> list[float]:
    """The drawn width of each bar of a chart, as the browser laid it out."""
    return page.locator(f"#chart-{chart} svg rect.bar").evaluate_all(
        "bars => bars.map(b => b.getBoundingClientRect().width)"
    )


def test_recruiter_sees_the_charts_of_the_march_hiring(live_server, history, page: Page):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    page.goto(f"{base}/portal/analytics/?start=2026-03-01&end=2026-03-31")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(f"{base}/portal/analytics/?start=2026-03-01&end=2026-03-31")

    for chart in CHARTS:
        svg = page.locator(f"#chart-{chart} svg.chart-svg")
        expect(svg).to_be_visible()
        assert svg.bounding_box()["height"] > 20, chart  # laid out, not collapsed
        expect(svg).to_have_attribute("role", "img")
    page.screenshot(path=ARTIFACTS / "analytics-01-dashboard.png", full_page=True)

    # The funnel: 6 applied, 4 screening, 3 interview, 2 offer, 2 hired; bars to scale.
    funnel = page.locator("#chart-funnel svg")
    for label in ("Applied", "Screening", "Interview", "Offer", "Hired"):
        expect(funnel.locator("text", has_text=label).first).to_be_visible()
    expect(funnel.locator("text.value", has_text="4 · 67 % of previous")).to_be_visible()
    applied, screening, interview, offer, hired = bar_widths(page, "funnel")
    assert screening / applied == pytest.approx(4 / 6, abs=0.01)
    assert interview / applied == pytest.approx(3 / 6, abs=0.01)
    assert offer == pytest.approx(hired) and offer / applied == pytest.approx(2 / 6, abs=0.01)
    colour = funnel.locator("rect.bar").first.evaluate("b => getComputedStyle(b).fill")
    assert colour not in ("", "none", "rgb(0, 0, 0)")  # the dashboard's stylesheet applies

    # Time in stage: median and p90 bars per stage; offer's p90 (9.4 d) is the longest.
    stay = page.locator("#chart-time-in-stage svg")
    expect(stay.locator("text.value", has_text="7 d / 9.4 d")).to_be_visible()
    widths = bar_widths(page, "time-in-stage")
    assert len(widths) == 8 and max(widths) == widths[-1]

    # Who moved the applications: alice 7 moves, bob 6.
    activity = page.locator("#chart-activity svg")
    expect(
        activity.locator("text.value", has_text="7 moves · 1 hires · 1 rejections")
    ).to_be_visible()
    alice, bob = bar_widths(page, "activity")
    assert bob / alice == pytest.approx(6 / 7, abs=0.01)

    # Scores: three series of ten buckets; the hired sit in the two top buckets.
    assert len(bar_widths(page, "scores")) == 30
    hired = page.locator("#chart-scores rect.bar.s3 title").all_text_contents()
    assert [t for t in hired if not t.endswith(": 0 %")] == [
        "0.8\u20130.9 · Hired: 50 %", "0.9\u20131.0 · Hired: 50 %",
    ]  # fmt: skip

    # Each chart's data table is there, folded, and opens to the same figures.
    tables = page.locator("details.chart-data")
    expect(tables).to_have_count(len(CHARTS))
    funnel_table = page.locator("#chart-funnel details.chart-data")
    expect(funnel_table.locator("table")).to_be_hidden()
    funnel_table.get_by_text("Data table").click()
    row = funnel_table.locator("tbody tr", has=page.locator("th", has_text="Screening"))
    expect(row.locator("td")).to_have_text(["4", "4 · 67 % of previous"])
    page.screenshot(path=ARTIFACTS / "analytics-02-funnel-table.png", full_page=True)

    # The jobs table links to one job's dashboard, redrawn for that job alone.
    page.get_by_role("link", name="Designer").click()
    expect(page.locator("#chart-funnel svg text.value").first).to_have_text(
        "1 · \u2013 of previous"
    )
    expect(page.locator(".kpis")).to_contain_text("Applications")
