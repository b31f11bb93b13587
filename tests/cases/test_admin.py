"""The admin edits reference data and shows audit events read-only; no transitions there."""

from __future__ import annotations

from django.urls import reverse

from cases import services
from cases.models import CaseEvent, Status


def test_events_are_read_only_in_the_admin(admin_client, make_request, people):
    r = make_request(Status.RECEIVED)
    services.request_begin_crime_check(request=r, actor=people["coordinator"])
    event = CaseEvent.objects.get()
    change_url = reverse("admin:cases_caseevent_change", args=[event.pk])
    assert admin_client.get(change_url).status_code == 200  # view only
    admin_client.post(change_url, {"note": "rewritten"})
    event.refresh_from_db()
    assert event.note == ""
    assert admin_client.get(reverse("admin:cases_caseevent_add")).status_code == 403
    delete_url = reverse("admin:cases_caseevent_delete", args=[event.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert CaseEvent.objects.count() == 1


def test_requests_are_not_in_the_admin(admin_client):
    assert b"certificationrequest" not in admin_client.get("/admin/").content


def test_statutes_are_editable_in_the_admin(admin_client, db):
    assert admin_client.get("/admin/cases/statute/?q=13M").status_code == 200
    assert admin_client.get(reverse("admin:cases_statute_add")).status_code == 200
