"""A real browser signs in (notice, password, TOTP code) and opens a request (Playwright +
Debian's Chromium)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Status
from tests.conftest import totp_code, totp_device


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_advocate_signs_in_and_opens_a_request(
    page, live_server, make_request, people, artifacts
):
    r = make_request(Status.RECEIVED)
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="System-use notice")).to_be_visible()
    page.get_by_label("User name").fill("advocate")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.locator("label[for=id_acknowledge]").click()  # USWDS hides the box behind its label
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app").fill(
        totp_code(totp_device(people["advocate"]))
    )
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("link", name=r.reference).click()
    expect(page.locator("#status")).to_have_text("Received")
    page.screenshot(path=str(artifacts / "smoke-case-page.png"), full_page=True)
