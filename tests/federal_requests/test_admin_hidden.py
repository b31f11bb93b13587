"""The federal-request log is invisible in the Django admin, to a superuser too: every admin URL
of every model of the app answers 403 or 404 and never shows a row (ASVS V4.1.3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from federal_requests import services
from federal_requests.models import AccessLog, AuditEvent, TaskForce
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

SECRET = "Sealed Investigation Task Force"


@pytest.fixture
def logged(log_entry, fr_people, client):
    entry = log_entry(kind="detainer", in_custody=True)
    services.task_force_save(
        actor=fr_people["records_officer"],
        data={
            "name": SECRET,
            "description": "an investigation still under seal",
            "federal_agencies": "hsi",
            "participation": "",
            "started_on": timezone.localdate() - timedelta(days=30),
            "ended_on": None,
        },
    )
    sign_in(client, fr_people["records_officer"])
    client.get(reverse("federal_requests:entry_detail", args=[entry.reference]))  # access log
    return entry


def admin_urls() -> list[tuple[str, int | None]]:
    """Every admin URL shape of every model of the app, registered or not: the changelist, the
    add form, and change / history / delete of each row."""
    found = []
    for model in apps.get_app_config("federal_requests").get_models():
        base = f"/admin/federal_requests/{model._meta.model_name}/"
        found += [(base, None), (f"{base}add/", None)]
        for pk in model.objects.values_list("pk", flat=True)[:3]:
            found += [(f"{base}{pk}/{page}/", pk) for page in ("change", "history", "delete")]
            found.append((f"{base}{pk}/", pk))
    return found


def test_no_model_of_the_log_is_registered_with_the_admin():
    registered = [m for m in admin.site._registry if m._meta.app_label == "federal_requests"]
    assert registered == []


def test_a_superuser_gets_no_admin_page_of_the_log(logged, client, people):
    assert AuditEvent.objects.exists() and AccessLog.objects.exists()
    assert TaskForce.objects.filter(name=SECRET).exists()
    sign_in(client, people["superuser"])
    shapes = admin_urls()
    assert len(shapes) > 20  # rows of the audit trail, the access log and the task forces
    for url, _pk in shapes:
        response = client.get(url, follow=True)
        body = response.content.decode()
        assert response.status_code in (403, 404), url
        assert SECRET not in body and "Quartermaine" not in body, url
        assert client.post(url, {"post": "yes"}).status_code in (403, 404), url
    index = client.get("/admin/").content.decode()
    assert "federal_requests" not in index and "Federal" not in index
    assert client.get("/admin/federal_requests/").status_code == 404
    assert TaskForce.objects.filter(name=SECRET).exists()  # nothing deleted through the admin
