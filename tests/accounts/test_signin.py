"""Sign-in: system-use notice, password, second factor (enrolment, TOTP, recovery codes),
lockout after 5 failures in 15 minutes until an administrator releases it, password rules."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.accounts.recovery_codes import code_digest
from cases.models import Status, UserSession
from tests.conftest import totp_code, totp_device

PASSWORD = "correct-horse-battery"


def password_step(client, username, password=PASSWORD, acknowledge=True, next_url=""):
    data = {"username": username, "password": password}
    if acknowledge:
        data["acknowledge"] = "on"
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def test_the_sign_in_page_shows_the_system_use_notice(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "System-use notice" in html and "monitored and recorded" in html


def test_the_notice_must_be_acknowledged(client, people):
    response = password_step(client, "advocate", acknowledge=False)
    assert response.status_code == 200
    assert "acknowledge the system-use notice" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_and_totp_code_sign_in(client, people, make_request):
    r = make_request(Status.RECEIVED)
    response = password_step(client, "advocate", next_url=r.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_verify"))
    # Password alone reaches nothing but the second step.
    blocked = client.get(r.get_absolute_url())
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("mfa_verify"))
    key_before = client.session.session_key
    code = totp_code(totp_device(people["advocate"]))
    response = client.post(
        reverse("mfa_verify"), {"code": code, "next": r.get_absolute_url()}, follow=True
    )
    assert response.status_code == 200 and r.reference in response.content.decode()
    assert client.session.session_key != key_before  # a new session id once fully signed in
    assert UserSession.objects.filter(
        user=people["advocate"], session_key=client.session.session_key
    ).exists()


def test_a_wrong_code_is_refused(client, people):
    password_step(client, "advocate")
    good = totp_code(totp_device(people["advocate"]))
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_verify"), {"code": wrong})
    assert response.status_code == 400 and "not valid" in response.content.decode()
    assert client.get("/").status_code == 302


def test_first_sign_in_enrols_a_device_and_shows_recovery_codes(client, agency):
    user = get_user_model().objects.create_user("newcomer", password=PASSWORD)
    response = password_step(client, "newcomer")
    assert response["Location"].startswith(reverse("mfa_setup"))
    # Until enrolled, every page leads to the enrolment.
    assert client.get("/")["Location"].startswith(reverse("mfa_setup"))
    html = client.get(response["Location"]).content.decode()
    assert "<svg" in html and 'id="totp-secret"' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("mfa_setup"), {"code": totp_code(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(codes) == settings.UVISA_RECOVERY_CODES
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_a_recovery_code_works_once(client, people):
    from cases.accounts.views import _new_recovery_codes

    user = people["coordinator"]
    codes = _new_recovery_codes(user)
    password_step(client, "coordinator")
    assert client.post(reverse("mfa_verify"), {"code": codes[0]}).status_code == 302
    assert client.get("/").status_code == 200
    assert not StaticToken.objects.filter(token=code_digest(codes[0])).exists()
    client.logout()
    password_step(client, "coordinator")
    assert client.post(reverse("mfa_verify"), {"code": codes[0]}).status_code == 400


def test_five_failures_lock_the_account_even_against_the_right_password(client, people):
    for _ in range(5):
        response = password_step(client, "detective", password="wrong-password-123")
    assert response.status_code == 403 and "locked" in response.content.decode()
    response = password_step(client, "detective")  # the right password now
    assert response.status_code == 403 and "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # An administrator releases it.
    call_command("axes_reset_username", "detective", verbosity=0)
    assert password_step(client, "detective").status_code == 302


def test_the_lock_does_not_wear_off_with_time(client, people, monkeypatch):
    for _ in range(5):
        password_step(client, "detective", password="wrong-password-123")
    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert password_step(client, "detective").status_code == 403


def test_failures_older_than_15_minutes_do_not_count(client, people):
    for _ in range(4):
        password_step(client, "detective", password="wrong-password-123")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    password_step(client, "detective", password="wrong-password-123")
    assert password_step(client, "detective").status_code == 302  # 1 recent failure only


def test_wrong_codes_count_towards_the_lock(client, people):
    password_step(client, "chief")
    for _ in range(5):
        response = client.post(reverse("mfa_verify"), {"code": "000000x"})
    assert response.status_code == 403 and "locked" in response.content.decode()
    assert password_step(client, "chief").status_code == 403


def test_passwords_need_12_characters_and_not_a_common_one(people):
    user = people["advocate"]
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3", user)
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234", user)
    validate_password("a long unusual phrase of words", user)


def test_passwords_are_hashed_with_argon2():
    # The test suite swaps in a fast hasher; production settings start with Argon2.
    import importlib

    import uvisa.settings as production

    importlib.reload(production)
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


# --- Finding 3: the lock released itself; spraying was not throttled ---


def test_five_failures_from_five_agents_stay_locked_after_16_minutes(client, people, monkeypatch):
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": "detective", "password": "wrong-password-123", "acknowledge": "on"},
            HTTP_USER_AGENT=f"agent-{n}",
            REMOTE_ADDR=f"10.0.0.{n + 1}",
        )
    assert AccessAttempt.objects.filter(username="detective").count() == 5  # five rows
    later = timezone.now() + timedelta(minutes=16)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = password_step(client, "detective")  # the right password, 16 minutes on
    assert response.status_code == 403 and "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    call_command("axes_reset_username", "detective", verbosity=0)
    assert password_step(client, "detective").status_code == 302


def test_password_spraying_from_one_address_is_throttled(client, people, settings):
    settings.UVISA_ADDRESS_FAILURE_LIMIT = 20
    for n in range(20):  # one try per user name, from one address: no account reaches 5
        client.post(
            reverse("login"),
            {"username": f"user{n}", "password": "Winter2026!!!", "acknowledge": "on"},
            REMOTE_ADDR="203.0.113.7",
        )
    refused = client.post(
        reverse("login"),
        {"username": "advocate", "password": PASSWORD, "acknowledge": "on"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    other = client.post(
        reverse("login"),
        {"username": "advocate", "password": PASSWORD, "acknowledge": "on"},
        REMOTE_ADDR="198.51.100.4",
    )
    assert other.status_code == 302  # a station elsewhere is not shut out


# --- Finding 7: wrong codes never locked; the password step alone set last_login ---


def test_wrong_codes_lock_even_when_the_password_step_is_repeated(client, people):
    for wrong in (4, 1):  # 4 + 1 wrong codes, with a correct password step in between
        assert password_step(client, "chief").status_code == 302
        for _ in range(wrong):
            response = client.post(reverse("mfa_verify"), {"code": "000000"})
    assert response.status_code == 403 and "locked" in response.content.decode()
    assert password_step(client, "chief").status_code == 403


def test_last_login_moves_only_after_the_second_factor(client, people):
    user = people["auditor"]
    before = get_user_model().objects.get(pk=user.pk).last_login
    password_step(client, "auditor")
    assert get_user_model().objects.get(pk=user.pk).last_login == before
    client.post(reverse("mfa_verify"), {"code": totp_code(totp_device(user))})
    assert get_user_model().objects.get(pk=user.pk).last_login != before
