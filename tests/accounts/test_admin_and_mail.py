"""Finding 10: the admin showed decrypted case notes to superusers; e-mails carried the
coordinator's free-text question; /admin/login/ was a second sign-in form without the
system-use notice; the SQLite file was created world-readable."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse

from cases import services
from cases.models import CaseEvent, Status
from cases.notifications import deliver_due

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Victim now lives at 12 Quillfeather Lane"


def test_the_admin_event_page_shows_no_note(admin_client, make_request, people):
    r = make_request(Status.CRIME_CHECK)
    services.request_ask_information(request=r, actor=people["coordinator"], text=SECRET_NOTE)
    assert CaseEvent.objects.get().note == SECRET_NOTE
    for event in CaseEvent.objects.all():
        html = admin_client.get(reverse("admin:cases_caseevent_change", args=[event.pk]))
        assert html.status_code == 200 and "Quillfeather" not in html.content.decode()
    listing = admin_client.get(reverse("admin:cases_caseevent_changelist")).content.decode()
    assert "Quillfeather" not in listing


def test_mail_says_only_that_something_happened(
    make_request, people, django_capture_on_commit_callbacks
):
    r = make_request(Status.CRIME_CHECK)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_ask_information(request=r, actor=people["coordinator"], text=SECRET_NOTE)
    deliver_due()
    assert mail.outbox
    for message in mail.outbox:
        bodies = [message.body, *(content for content, _ in message.alternatives)]
        assert all("Quillfeather" not in body for body in bodies)
        assert any(r.get_absolute_url() in body for body in bodies)


def test_admin_login_is_the_applications_sign_in(client, people):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/admin/"
    posted = client.post(
        "/admin/login/", {"username": "superuser", "password": "correct-horse-battery"}
    )
    assert posted.status_code == 302 and "_auth_user_id" not in client.session
    offsite = client.get("/admin/login/?next=https://evil.example/")
    assert offsite["Location"] == f"{reverse('login')}?next=/admin/"


def test_the_sqlite_test_database_is_private():
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite file only")
    connection.ensure_connection()
    name = settings.DATABASES["default"]["NAME"]
    assert os.stat(name).st_mode & 0o777 == 0o600
