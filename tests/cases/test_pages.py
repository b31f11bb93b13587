"""Every list page runs a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from cases.models import Status
from tests.conftest import sign_in

# the session with its user and second-factor device (one query, cases/accounts/
# session_store.py), the role's permissions, then per page: guardian scope (advocates and
# detectives), one COUNT for pagination, one SELECT of the page with its joins.
PAGES = [
    ("advocate", "/", 5),  # two queues: needs your action, the organisation's requests
    # new requests, intake queue, clock tile (newest event, one count)
    ("coordinator", "/", 7),
    ("detective", "/", 4),  # my assignments (scope and assignment in one query)
    ("chief", "/", 6),  # decision queue, clock tile (newest event, one count)
    ("auditor", "/", 4),  # the latest requests
    ("coordinator", "/requests/", 5),
    ("advocate", "/requests/?status=received", 5),
    ("coordinator", "/queues/intake/", 5),
    ("chief", "/queues/decisions/", 5),
    ("detective", "/queues/assignments/", 5),
    ("advocate", "/queues/organisation/", 5),
]


@pytest.mark.parametrize("rows", [4, 40])
@pytest.mark.parametrize("persona, url, queries", PAGES)
def test_list_pages_do_not_grow_with_rows(
    rows, persona, url, queries, client, make_request, people, django_assert_num_queries
):
    states = [Status.RECEIVED, Status.HELPFULNESS_REVIEW, Status.CHIEF_DECISION, Status.DRAFT]
    for i in range(rows):
        make_request(states[i % 4])
    sign_in(client, people[persona])
    client.get(url)  # warm process-wide caches (content types), as in a running server
    cache.clear()  # build the page, as after a change
    # +1: the versions (cases/page_cache.py)
    with django_assert_num_queries(queries + 1):
        response = client.get(url)
    assert response.status_code == 200
    assert "MPD-UV-1999-" in response.content.decode() or persona == "auditor"
    # Shown again while nothing changed: session with user and device, the versions.
    with django_assert_num_queries(2):
        again = client.get(url)
    assert again.content.count(b"MPD-UV-1999-") == response.content.count(b"MPD-UV-1999-")


def test_queues_are_sorted_by_due_date_and_marked(client, make_request, people):
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    # Noon of today in the agency's time zone: "now - 80 days" late in the evening falls on
    # another local day when daylight saving time changed in between.
    now = datetime.combine(timezone.localdate(), time(12), tzinfo=timezone.get_current_timezone())
    late = make_request(
        Status.CRIME_CHECK,
        received_at=now - timedelta(days=95),
        expedited=True,
        expedited_reason="removal",
    )
    soon = make_request(Status.RECEIVED, received_at=now - timedelta(days=80))
    fresh = make_request(Status.RECEIVED, received_at=now - timedelta(days=1))
    sign_in(client, people["coordinator"])
    html = client.get("/queues/intake/").content.decode()
    assert html.index(late.reference) < html.index(soon.reference) < html.index(fresh.reference)
    # the expedited one is on the 30-day track (MA department policy, cases/clocks.py)
    assert "Overdue by 65 days" in html and "Due in 10 days" in html and "Due in 89 days" in html
    assert "clock-overdue" in html and "clock-soon" in html and "clock-ok" in html
    assert html.count("Expedited</span>") == 1


def test_an_unknown_queue_is_404(client, people):
    sign_in(client, people["advocate"])
    assert client.get("/queues/decisions/").status_code == 404
    assert client.get("/queues/nonsense/").status_code == 404
