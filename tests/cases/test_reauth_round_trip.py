"""The step's data survives re-authentication: kept on the server, given back once, for the
same request only; select lists with legal meaning start empty."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.accounts.sessions import FRESH_AT
from cases.lib.pending import PENDING_STEP
from cases.models import Status
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def lapse(client) -> None:
    session = client.session
    session[FRESH_AT] = 0
    session.save()


def test_a_decline_waits_on_the_server_and_comes_back_filled(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    other = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])
    lapse(client)
    data = {
        "decline-reason": "not_helpful",
        "decline-note": "The victim stopped cooperating.",
        "step": "decline",
    }
    response = client.post(reverse("request_transition", args=[r.reference, "decline"]), data)
    assert response["Location"].startswith(reverse("reauth"))
    kept = client.session[PENDING_STEP]
    assert kept["data"] == {
        "decline-reason": ["not_helpful"],
        "decline-note": ["The victim stopped cooperating."],
    }  # the step's fields only: no CSRF token
    assert "kept" in client.get(response["Location"]).content.decode()
    assert "filled in again" not in client.get(other.get_absolute_url()).content.decode()
    html = client.get(r.get_absolute_url()).content.decode()
    assert '<option value="not_helpful" selected>' in html
    assert "The victim stopped cooperating.</textarea>" in html
    assert "filled in again" in html
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION
    again = client.get(r.get_absolute_url()).content.decode()  # given back once
    assert "The victim stopped cooperating." not in again


def test_the_decline_reason_starts_empty_and_must_be_chosen(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert '<option value="" selected>Choose a reason</option>' in html
    response = client.post(
        reverse("request_transition", args=[r.reference, "decline"]),
        {"decline-reason": "", "decline-note": "Why"},
    )
    assert response.status_code == 400
    assert "Choose the reason from the department" in response.content.decode()
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION
