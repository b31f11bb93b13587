"""The seven account pages in a real browser, axe-clean at 412 px and at desktop width, with
no navigation before the second factor: sign-in, code, enrolment, recovery codes, "Confirm it
is you", sessions, access log, and the locked page."""

from __future__ import annotations

import base64
import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.session import Session
from tests.conftest import totp_code, totp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password(s: Session, username: str, secret: str = "correct-horse-battery") -> None:
    page = s.page
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(secret)
    page.locator("label[for=id_acknowledge]").click()  # USWDS hides the box behind its label
    s.submit(page.get_by_role("button", name="Sign in"))


def test_the_account_pages_at_both_widths(page, live_server, artifacts, people):
    s = Session(page, live_server, artifacts, "account")
    page.set_default_timeout(10_000)
    s.open("/accounts/login/")
    password(s, "coordinator")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    expect(page.get_by_role("navigation", name="Primary navigation")).to_have_count(0)
    expect(page.get_by_role("button", name="Menu")).to_have_count(0)
    s.shot("code")
    page.get_by_label("Code from your authenticator app").fill(
        totp_code(totp_device(people["coordinator"]))
    )
    s.submit(page.get_by_role("button", name="Verify"))
    expect(page.get_by_role("navigation", name="Primary navigation")).to_be_attached()
    for path in ("/accounts/sessions/", "/audit/access/", "/audit/access/?username=nobody"):
        s.open(path)
    s.shot("access-log")
    s.as_user(people["chief"])
    s.open("/accounts/confirm/?next=/")
    s.shot("confirm")

    page.context.clear_cookies()
    user = get_user_model().objects.create_user("newcomer", password="correct-horse-battery")
    s.open("/accounts/login/")
    password(s, "newcomer")
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    expect(page.get_by_role("navigation", name="Primary navigation")).to_have_count(0)
    s.shot("enrol")
    totp = TOTP(base64.b32decode(page.locator("#totp-secret").inner_text().replace(" ", "")))
    totp.time = time.time()
    page.get_by_label("Code from your authenticator app").fill(f"{totp.token():06d}")
    s.submit(page.get_by_role("button", name="Confirm"))
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    s.shot("recovery-codes")
    assert user.totpdevice_set.filter(confirmed=True).exists()

    page.context.clear_cookies()
    for _ in range(5):
        s.open("/accounts/login/")
        password(s, "detective", "wrong-password-123")
    expect(page.get_by_role("heading", name="Account locked")).to_be_visible()
    s.shot("locked")
    assert s.violations == {412: 0, 1280: 0} and len(s.checked) >= 15
