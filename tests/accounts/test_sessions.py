"""Sessions: 30 minutes idle, 12 hours in all; re-authentication right before certify,
decline and withdraw-certification; users see and end their sessions; disabling an account
ends its sessions; administrators end anyone's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent, Status, UserSession
from tests.conftest import record_ink, sign_in, totp_code, totp_device

PASSWORD = "correct-horse-battery"


@pytest.fixture
def clock(monkeypatch):
    """The clock is a true boundary: move it forward."""
    state = {"now": timezone.now()}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])

    def advance(**delta):
        state["now"] += timedelta(**delta)

    return advance


def post_step(client, request, name, data=None):
    return client.post(reverse("request_transition", args=[request.reference, name]), data or {})


def test_an_idle_session_is_refused(client, people, make_request, clock):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    assert client.get(r.get_absolute_url()).status_code == 200
    clock(minutes=29)
    assert client.get(r.get_absolute_url()).status_code == 200  # activity resets the idle time
    clock(minutes=31)
    response = client.get(r.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(r.get_absolute_url()).status_code == 302  # still signed out
    from cases.accounts.sessions import active_sessions

    assert not active_sessions(people["coordinator"]).exists()


def test_the_middleware_ends_a_session_idle_past_the_limit(client, people, clock, settings):
    # With a longer cookie life, the application's own idle check still ends the session.
    settings.SESSION_COOKIE_AGE = 3600
    sign_in(client, people["coordinator"])
    clock(minutes=31)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert UserSession.objects.get(user=people["coordinator"]).end_reason == "timeout"


def test_an_active_session_ends_after_12_hours(client, people, clock):
    sign_in(client, people["coordinator"])
    for _ in range(25):  # active every 29 minutes: 12 h 05 min in all
        clock(minutes=29)
        response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_certify_without_fresh_reauthentication_is_refused_and_changes_nothing(
    client, people, make_request, clock
):
    r = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])
    clock(minutes=6)  # the sign-in is no longer fresh
    response = post_step(client, r, "certify", {"certify-note": "Meets policy."})
    assert response.status_code == 302 and response["Location"].startswith(reverse("reauth"))
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and not CaseEvent.objects.exists()

    # Password and a current code, then the step goes through, once.
    device = totp_device(people["chief"])
    response = client.post(
        reverse("reauth"),
        {"password": PASSWORD, "code": totp_code(device), "next": r.get_absolute_url()},
    )
    assert response.status_code == 302 and response["Location"] == r.get_absolute_url()
    assert post_step(client, r, "certify", {"certify-note": "Meets policy."})["Location"] == (
        r.get_absolute_url()
    )
    r.refresh_from_db()
    assert r.status == Status.AWAITING_INK
    record_ink(r, people["coordinator"])
    # The confirmation covered one step: withdrawing the certification asks again.
    response = post_step(
        client, r, "withdraw_certification", {"withdraw_certification-reason": "x"}
    )
    assert response["Location"].startswith(reverse("reauth"))
    r.refresh_from_db()
    assert r.status == Status.CERTIFIED


def test_decline_also_needs_reauthentication(client, people, make_request, clock):
    r = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])
    clock(minutes=6)
    response = post_step(client, r, "decline", {"decline-reason": "not_helpful"})
    assert response["Location"].startswith(reverse("reauth"))
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION


def test_reauthentication_with_a_wrong_password_or_code_is_refused(client, people, clock):
    sign_in(client, people["chief"])
    clock(minutes=6)
    code = totp_code(totp_device(people["chief"]))
    bad_password = client.post(reverse("reauth"), {"password": "not-it-at-all", "code": code})
    assert bad_password.status_code == 400
    bad_code = client.post(reverse("reauth"), {"password": PASSWORD, "code": "12345x"})
    assert bad_code.status_code == 400
    from cases.accounts.sessions import has_fresh_auth

    request = type("R", (), {"session": client.session})()
    assert not has_fresh_auth(request)


def test_users_see_and_end_their_own_sessions(people):
    laptop, phone = Client(), Client()
    sign_in(laptop, people["detective"])
    sign_in(phone, people["detective"])
    sign_in(Client(), people["coordinator"])
    html = laptop.get(reverse("my_sessions")).content.decode()
    assert html.count("End session") == 2 and "(this session)" in html
    phone_row = UserSession.objects.get(session_key=phone.session.session_key)
    response = laptop.post(reverse("end_session", args=[phone_row.pk]))
    assert response.status_code == 302
    assert phone.get("/").status_code == 302  # the phone is signed out
    assert laptop.get("/").status_code == 200
    other = UserSession.objects.get(user=people["coordinator"])
    assert laptop.post(reverse("end_session", args=[other.pk])).status_code == 404
    assert Session.objects.filter(session_key=other.session_key).exists()


def test_disabling_an_account_ends_its_sessions(people):
    client = Client()
    sign_in(client, people["detective"])
    key = client.session.session_key
    user = people["detective"]
    user.is_active = False
    user.save()
    assert not Session.objects.filter(session_key=key).exists()
    assert UserSession.objects.get(session_key=key).end_reason == "account disabled"
    assert client.get("/").status_code == 302


def test_an_administrator_ends_anyones_session(admin_client, people):
    victim = Client()
    sign_in(victim, people["advocate"])
    row = UserSession.objects.get(user=people["advocate"])
    response = admin_client.post(
        reverse("admin:cases_usersession_changelist"),
        {"action": "end_sessions", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    assert victim.get("/").status_code == 302
    row.refresh_from_db()
    assert row.ended_at is not None and row.end_reason.startswith("ended by")


def test_a_role_change_ends_the_sessions(people):
    from django.contrib.auth.models import Group

    client = Client()
    sign_in(client, people["detective"])
    people["detective"].groups.add(Group.objects.get(name="coordinator"))
    assert client.get("/").status_code == 302


def test_accounts_unused_for_90_days_are_disabled(people):
    from django.core.management import call_command

    stale, fresh = people["detective"], people["coordinator"]
    stale.last_login = timezone.now() - timedelta(days=91)
    stale.save(update_fields=["last_login"])
    fresh.last_login = timezone.now() - timedelta(days=89)
    fresh.save(update_fields=["last_login"])
    client = Client()
    sign_in(client, stale)  # sets last_login to now: put it back
    type(stale).objects.filter(pk=stale.pk).update(last_login=timezone.now() - timedelta(days=91))
    call_command("disable_inactive_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert not stale.is_active and fresh.is_active
    assert client.get("/").status_code == 302


# --- Finding 8: one re-authentication covered two decisions posted at the same moment ---


def test_one_reauthentication_covers_exactly_one_of_two_simultaneous_decisions(
    client, people, make_request
):
    """Both requests read the session before either response saved it: the replay restores
    the session as the second request read it, grant included."""
    first = make_request(Status.CHIEF_DECISION)
    second = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])  # a fresh authentication: good for one decision
    as_read = dict(client.session.items())
    assert post_step(client, first, "decline", {"decline-reason": "not_helpful"}).status_code == 302
    session = client.session
    session.update(as_read)  # the second request's copy, read at the same moment
    session.save()
    response = post_step(client, second, "decline", {"decline-reason": "not_helpful"})
    assert response["Location"].startswith(reverse("reauth"))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.DECLINED and second.status == Status.CHIEF_DECISION
