"""First sign-in in a real browser: the notice, the password, enrolment of an authenticator
(the key read off the page, as a phone would), recovery codes, then the application."""

from __future__ import annotations

import base64
import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from playwright.sync_api import expect


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_new_user_enrols_an_authenticator(page, live_server, reference_rows, artifacts):
    get_user_model().objects.create_user("newcomer", password="correct-horse-battery")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill("newcomer")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.locator("label[for=id_acknowledge]").click()  # USWDS hides the box behind its label
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    page.screenshot(path=str(artifacts / "mfa-enrolment.png"), full_page=True)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    totp = TOTP(base64.b32decode(secret))
    totp.time = time.time()
    page.get_by_label("Code from your authenticator app").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Sign out")).to_be_attached()
    assert not [e for e in errors if "Content Security Policy" in e], errors
