"""A real browser signs in and opens a request (Playwright + Debian's Chromium)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Status


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_advocate_signs_in_and_opens_a_request(page, live_server, make_request, artifacts):
    r = make_request(Status.RECEIVED)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill("advocate")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=r.reference).click()
    expect(page.locator("#status")).to_have_text("Received")
    page.screenshot(path=str(artifacts / "smoke-case-page.png"), full_page=True)
