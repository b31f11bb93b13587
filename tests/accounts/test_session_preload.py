"""Session, user and device in one query (cases/accounts/session_store.py), and every way of
taking a sign-in away still works on the very next request.

The changes below are made with queryset updates and deletes, which send no signals: the
next request must notice them because it reads the rows, not because something told it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Status, UserSession
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

SIGN_IN_TABLES = ("django_session", "auth_user", "otp_totp_totpdevice")
FROM_SIGN_IN_TABLE = re.compile(r'FROM "?(django_session|auth_user|otp_totp_totpdevice)\b')


def sign_in_reads(queries: list[dict[str, Any]]) -> list[str]:
    """The queries that read the session, the user or the second-factor device."""
    return [q["sql"] for q in queries if FROM_SIGN_IN_TABLE.search(q["sql"])]


def test_session_user_and_device_are_read_in_one_query(client, people, make_request):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    client.get(r.get_absolute_url())  # the session's once-a-minute write is done
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(r.get_absolute_url())
    assert response.status_code == 200
    assert response.wsgi_request.user == people["coordinator"]
    assert response.wsgi_request.user.is_verified()
    reads = sign_in_reads(ctx.captured_queries)
    assert len(reads) == 1, reads
    assert all(t in reads[0] for t in SIGN_IN_TABLES)


def page(client: Any, r: Any) -> Any:
    return client.get(r.get_absolute_url())


def test_a_disabled_account_is_signed_out_on_the_next_request(client, people, make_request):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    assert page(client, r).status_code == 200
    get_user_model().objects.filter(pk=people["coordinator"].pk).update(is_active=False)
    response = page(client, r)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_changed_password_signs_the_session_out(client, people, make_request):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    assert page(client, r).status_code == 200
    get_user_model().objects.filter(pk=people["coordinator"].pk).update(
        password=make_password("another-long-passphrase")
    )
    response = page(client, r)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_deleted_session_is_signed_out(client, people, make_request):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    assert page(client, r).status_code == 200
    Session.objects.all().delete()
    response = page(client, r)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("how", ["deleted", "unconfirmed"])
def test_a_removed_device_no_longer_verifies_the_session(client, people, make_request, how):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    assert page(client, r).status_code == 200
    devices = TOTPDevice.objects.filter(user=people["coordinator"])
    if how == "deleted":
        devices.delete()
    else:
        devices.update(confirmed=False)
    response = page(client, r)
    assert response.status_code == 302
    assert response["Location"].startswith((reverse("mfa_setup"), reverse("mfa_verify")))


def test_without_a_tracked_session_django_reads_the_rows_itself(client, people, make_request):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    UserSession.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        response = page(client, r)
    assert response.status_code == 200
    assert response.wsgi_request.user == people["coordinator"]
    assert response.wsgi_request.user.is_verified()
    reads = sign_in_reads(ctx.captured_queries)
    own = [
        'FROM "django_session"',  # the session store's joined read, which found no user
        'WHERE "auth_user"."id" = ',  # ModelBackend.get_user
        'FROM "otp_totp_totpdevice"',  # django-otp's Device.from_persistent_id
    ]
    assert [any(part in sql for sql in reads) for part in own] == [False, True, True]
    assert sum("FROM django_session s" in sql for sql in reads) == 1


def test_a_tracked_session_naming_another_user_is_not_trusted(client, people, make_request):
    """Only the user the session itself names is taken from the join."""
    r = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    UserSession.objects.update(user=people["chief"])
    response = page(client, r)
    assert response.status_code == 200
    assert response.wsgi_request.user == people["coordinator"]
    assert response.wsgi_request.user.is_verified()
    assert response.wsgi_request.user.otp_device.user_id == people["coordinator"].pk


def test_an_ended_tracked_session_is_signed_out(client, people, make_request):
    from cases.accounts.sessions import end_tracked_session

    r = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    assert page(client, r).status_code == 200
    end_tracked_session(client.session.session_key, reason="test")
    response = page(client, r)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
