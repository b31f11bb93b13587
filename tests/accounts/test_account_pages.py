"""The account pages are in the design system, and nothing is navigable before the second
factor: code entry, "Confirm it is you", sessions, the access log, enrolment, recovery codes,
the locked page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.test_signin import PASSWORD, password_step
from tests.conftest import sign_in, totp_code

pytestmark = pytest.mark.django_db

NAV = 'aria-label="Primary navigation"'


def uswds(html: str) -> None:
    """Inputs and buttons carry the design system's classes: no plain browser controls."""
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'type="hidden"' in tag or "csrfmiddlewaretoken" in tag:
            continue
        assert re.search(r'class="[^"]*usa-', tag), tag
    for tag in re.findall(r"<button\b[^>]*>", html):
        assert "usa-button" in tag or "usa-nav__close" in tag or "usa-menu-btn" in tag, tag


def test_the_code_page_is_styled_and_has_no_navigation(client, people):
    password_step(client, "advocate")
    html = client.get(reverse("mfa_verify")).content.decode()
    uswds(html)
    assert "usa-input" in html and NAV not in html and "usa-menu-btn" not in html
    assert "Cancel and sign out" in html


def test_enrolment_and_recovery_codes_are_styled_and_have_no_navigation(client, agency):
    user = get_user_model().objects.create_user("newcomer", password=PASSWORD)
    password_step(client, "newcomer")
    html = client.get(reverse("mfa_setup")).content.decode()
    uswds(html)
    assert NAV not in html and "usa-process-list" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    html = client.post(reverse("mfa_setup"), {"code": totp_code(device)}).content.decode()
    assert 'class="usa-button" href=' in html and "usa-alert--warning" in html  # codes page


def test_the_locked_page_is_styled(client, people):
    for _ in range(5):
        response = password_step(client, "detective", password="wrong-password-123")
    html = response.content.decode()
    assert response.status_code == 403 and "usa-alert--error" in html and NAV not in html


@pytest.mark.parametrize(
    "persona, url", [("chief", "reauth"), ("advocate", "my_sessions"), ("auditor", "access_log")]
)
def test_signed_in_account_pages_are_styled(client, people, persona, url):
    sign_in(client, people[persona])
    response = client.get(reverse(url))
    assert response.status_code == 200
    html = response.content.decode()
    uswds(html)
    assert NAV in html  # past the second factor: the navigation is back
    assert "usa-table" in html or "usa-form" in html


def test_the_access_log_shows_every_row_of_a_page_that_holds_them_all(client, people):
    """Reading the log is logged after the page's rows are read: the oldest row is not pushed
    off the page by the new one."""
    from cases.models import AccessLog

    AccessLog.objects.create(username="oldest-row", action=AccessLog.Action.VIEW_REQUEST)
    for _ in range(48):
        AccessLog.objects.create(username="filler", action=AccessLog.Action.VIEW_REQUEST)
    sign_in(client, people["auditor"])
    before = AccessLog.objects.count()
    assert before <= 50  # one page
    html = client.get(reverse("access_log")).content.decode()
    assert "oldest-row" in html
    assert AccessLog.objects.count() == before + 1  # the reading itself, shown next time
