"""Views: 404 outside the scope, 403 for a visible request the user may not act on, 405 on GET,
and a stale page that changes nothing. Query counts of the list page are pinned."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import CaseEvent, Status
from tests.conftest import sign_in


def post_step(client, request, name, data=None):
    url = reverse("request_transition", args=[request.reference, name])
    return client.post(url, data or {})


@pytest.mark.parametrize(
    "persona, visible",
    [
        ("advocate", True),
        ("other_advocate", False),
        ("coordinator", True),
        ("detective", True),
        ("other_detective", False),
        ("chief", True),
        ("auditor", True),
        ("superuser", False),
    ],
)
def test_case_page_is_404_outside_the_scope(persona, visible, client, make_request, people):
    r = make_request(Status.CRIME_CHECK)
    sign_in(client, people[persona])
    response = client.get(r.get_absolute_url())
    assert response.status_code == (200 if visible else 404)


def test_missing_and_foreign_requests_answer_the_same(client, make_request, people):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["other_advocate"])
    foreign = client.get(r.get_absolute_url())
    missing = client.get("/requests/MPD-UV-2099-9999/")
    assert foreign.status_code == missing.status_code == 404
    assert post_step(client, r, "withdraw").status_code == 404
    r.refresh_from_db()
    assert r.status == Status.RECEIVED


def test_anonymous_users_are_sent_to_sign_in(client, make_request):
    r = make_request(Status.RECEIVED)
    response = client.get(r.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_page_offers_only_the_steps_the_user_may_take(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert "step/certify/" in html and "step/decline/" in html
    assert "step/begin_crime_check/" not in html
    sign_in(client, people["auditor"])
    html = client.get(r.get_absolute_url()).content.decode()
    assert "/step/" not in html


def test_a_visible_request_the_user_may_not_act_on_is_403(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["auditor"])
    assert post_step(client, r, "certify").status_code == 403
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION and not CaseEvent.objects.exists()


def test_certify_through_the_page(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])
    response = post_step(client, r, "certify", {"certify-note": "Meets policy."})
    assert response.status_code == 302 and response["Location"] == r.get_absolute_url()
    r.refresh_from_db()
    assert r.status == Status.AWAITING_INK
    assert CaseEvent.objects.get().note == "Meets policy."


def test_a_stale_page_gets_a_message_and_changes_nothing(client, make_request, people):
    r = make_request(Status.DECLINED)  # someone declined while the Chief's page was open
    sign_in(client, people["chief"])
    response = post_step(client, r, "certify", {})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "is not possible while" in page and "Nothing was changed" in page
    r.refresh_from_db()
    assert r.status == Status.DECLINED and not CaseEvent.objects.exists()


def test_an_invalid_form_keeps_what_was_typed(client, make_request, people):
    r = make_request(Status.CRIME_CHECK)
    sign_in(client, people["coordinator"])
    response = post_step(
        client,
        r,
        "issue_delay_notice",
        {
            "issue_delay_notice-reason": "Archived <b>file</b>",
            "issue_delay_notice-process": "",
            "issue_delay_notice-projected_date": "not-a-date",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Archived &lt;b&gt;file&lt;/b&gt;" in html and "Enter a valid date" in html
    r.refresh_from_db()
    assert r.delay_reason == "" and not CaseEvent.objects.exists()


def test_unknown_step_is_404_and_get_is_405(client, make_request, people):
    r = make_request(Status.CHIEF_DECISION)
    sign_in(client, people["chief"])
    assert post_step(client, r, "approve_everything").status_code == 404
    assert post_step(client, r, "__init__").status_code == 404
    url = reverse("request_transition", args=[r.reference, "certify"])
    assert client.get(url).status_code == 405


def test_posts_without_csrf_token_are_refused(make_request, people):
    from django.test import Client

    r = make_request(Status.CHIEF_DECISION)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, people["chief"])
    assert post_step(client, r, "certify").status_code == 403
    r.refresh_from_db()
    assert r.status == Status.CHIEF_DECISION


def test_healthz_needs_no_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
