"""A recruiter uses the portal in a real browser (Debian's Chromium, driven by Playwright).

Screenshots land in `test-artifacts/` (gitignored) for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Invitation, User
from config.testing import ARTIFACTS
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_recruiter_logs_in_invites_a_teammate_with_htmx_and_logs_out(
    live_server, recruiter: User, teammate: User, page: Page
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url

    # Signed out, the portal sends the recruiter to the login form.
    page.goto(f"{base}/portal/")
    expect(page).to_have_url(f"{base}/accounts/login/?next=/portal/")
    page.screenshot(path=ARTIFACTS / "01-login.png", full_page=True)
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page).to_have_url(f"{base}/portal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Robotics")
    page.screenshot(path=ARTIFACTS / "02-dashboard.png", full_page=True)

    page.get_by_role("link", name="Team", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team of Acme Robotics")
    expect(page.locator("#members")).to_contain_text("bob@acme.test")

    # A marker on `window` survives an htmx swap but not a page load.
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Email").fill("dana@example.test")
    page.get_by_label("Role").select_option("admin")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Send invitation").click()
    assert posted.value.request.headers.get("hx-request") == "true"
    expect(page.get_by_role("status")).to_have_text("Invitation sent to dana@example.test.")
    expect(page.locator("#invitations")).to_contain_text("dana@example.test")
    expect(page.get_by_label("Email")).to_have_value("")  # a fresh form for the next invite
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=ARTIFACTS / "03-team-after-invite.png", full_page=True)
    page.reload()  # what the server saved, not just what htmx swapped in
    expect(page.locator("#invitations tr", has_text="dana@example.test")).to_contain_text("Admin")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{base}/accounts/login/")
    page.goto(f"{base}/portal/team/")
    expect(page).to_have_url(f"{base}/accounts/login/?next=/portal/team/")


@pytest.fixture
def erins_invitation(recruiter: User) -> str:
    invitation = Invitation.objects.create(
        company=recruiter.primary_membership().company,
        email="erin@example.test",
        invited_by=recruiter,
    )
    return f"/portal/invitations/{invitation.token}/"


def test_signed_out_invitee_signs_up_confirms_the_code_and_joins_the_team(
    live_server, erins_invitation: str, page: Page, mailoutbox: list
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url

    page.goto(f"{base}{erins_invitation}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Acme Robotics")
    page.screenshot(path=ARTIFACTS / "04-invitation-signed-out.png", full_page=True)
    page.get_by_role("link", name="Sign up").click()

    expect(page.get_by_label("Email")).to_have_value("erin@example.test")  # from the link
    page.get_by_label("Password", exact=True).fill("a long passphrase 7")
    page.get_by_label("Password (again)").fill("a long passphrase 7")
    page.screenshot(path=ARTIFACTS / "05-signup.png", full_page=True)
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(f"{base}/accounts/confirm-email/")
    page.screenshot(path=ARTIFACTS / "06-confirm-code.png", full_page=True)
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[-1].body, re.MULTILINE)
    assert code is not None
    page.get_by_label("Code").fill(code.group(1))
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(f"{base}{erins_invitation}")
    page.get_by_role("button", name="Accept invitation").click()
    expect(page).to_have_url(f"{base}/portal/")
    expect(page.get_by_text("Welcome to Acme Robotics.")).to_be_visible()
    page.get_by_role("link", name="Team", exact=True).click()
    expect(page.locator("#members")).to_contain_text("erin@example.test")
    page.screenshot(path=ARTIFACTS / "07-invitee-on-the-team.png", full_page=True)
