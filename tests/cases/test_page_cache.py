"""Cached list pages (cases/page_cache.py): reused while nothing changed, never stale.

Each test views a page (so it is cached), changes something the page shows, and views the
page again with the same user and address.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from guardian.shortcuts import remove_perm

from cases import services
from cases.models import AdvocateOrganization, Status
from cases.page_cache import data_version, raise_data_version
from cases.roles import CHIEF
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    return re.findall(r"MPD-UV-1999-\d{4}", html)


def test_a_transition_shows_on_the_next_view(client, make_request, people):
    obj = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    assert "Received" in client.get("/requests/?status=received").content.decode()
    services.request_begin_crime_check(request=obj, actor=people["coordinator"])
    response = client.get("/requests/?status=received")
    assert response.status_code == 200
    assert obj.reference not in response.content.decode()
    assert obj.reference in client.get("/requests/?status=crime_check").content.decode()


def test_the_same_view_is_served_from_the_cache_while_nothing_changes(
    client, make_request, people, django_assert_num_queries
):
    make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    first = client.get("/queues/intake/").content.decode()
    # session with its user and second-factor device, the versions: nothing else
    with django_assert_num_queries(2):
        second = client.get("/queues/intake/").content.decode()
    assert _rows(second) == _rows(first)


def test_moving_an_advocate_to_another_organisation_changes_their_list(
    client, make_request, people, org_b
):
    obj = make_request(Status.RECEIVED)  # organisation A's
    advocate = people["advocate"]
    sign_in(client, advocate)
    assert obj.reference in client.get("/requests/").content.decode()
    org_a = AdvocateOrganization.objects.get(pk=obj.organization_id)
    advocate.groups.remove(org_a.group)  # as in the admin: no service, no audit event
    advocate.groups.add(org_b.group)
    sign_in(client, advocate)  # a change of groups ends the user's sessions
    response = client.get("/requests/")
    assert response.status_code == 200
    assert obj.reference not in response.content.decode()
    assert client.get(obj.get_absolute_url()).status_code == 404


def test_a_grant_taken_away_outside_the_services_empties_the_detectives_queue(
    client, make_request, people
):
    obj = make_request(Status.HELPFULNESS_REVIEW)
    detective = people["detective"]
    sign_in(client, detective)
    assert obj.reference in client.get("/queues/assignments/").content.decode()
    remove_perm("view_certificationrequest", detective, obj)
    obj.assigned_detective = None
    obj.save(update_fields=["assigned_detective"])
    response = client.get("/queues/assignments/")
    assert response.status_code == 200
    assert obj.reference not in response.content.decode()


def test_a_role_taken_away_ends_the_queue(client, make_request, people):
    make_request(Status.CHIEF_DECISION)
    chief = people["chief"]
    sign_in(client, chief)
    assert client.get("/queues/decisions/").status_code == 200
    chief.groups.remove(Group.objects.get(name=CHIEF))
    sign_in(client, chief)  # a change of groups ends the user's sessions
    assert client.get("/queues/decisions/").status_code == 404


def test_a_renamed_user_sees_the_new_name(client, people):
    coordinator = people["coordinator"]
    sign_in(client, coordinator)
    client.get("/")
    coordinator.first_name, coordinator.last_name = "Renamed", "Person"
    coordinator.save()
    assert "Welcome, Renamed Person" in client.get("/").content.decode()


def test_another_user_never_gets_a_cached_page(client, make_request, people):
    obj = make_request(Status.RECEIVED)
    sign_in(client, people["advocate"])
    assert obj.reference in client.get("/requests/").content.decode()
    sign_in(client, people["other_advocate"])
    response = client.get("/requests/")
    assert response.status_code == 200
    assert obj.reference not in response.content.decode()


def test_every_view_gets_a_working_csrf_token(client, people):
    sign_in(client, people["coordinator"])
    client.get("/requests/")
    client.handler.enforce_csrf_checks = True
    html = client.get("/requests/").content.decode()  # from the cache
    assert "csrf-hole" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302  # signed out: the token was accepted
    assert client.get("/requests/").status_code == 302  # to the sign-in page


def test_a_message_is_shown_once_and_the_page_is_cached_without_it(client, make_request, people):
    obj = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    client.get("/queues/intake/")  # cached without a message
    response = client.post(f"/requests/{obj.reference}/step/begin_crime_check/", follow=False)
    assert response.status_code == 302
    client.get("/requests/")  # the message shows on the next page, whichever it is
    assert "Saved." not in client.get("/requests/").content.decode()
    sign_in(client, people["coordinator"])
    response = client.post(f"/requests/{obj.reference}/step/begin_crime_check/")
    html = client.get("/queues/intake/").content.decode()
    assert "changed by someone else" in html or "not possible" in html
    assert "changed by someone else" not in client.get("/queues/intake/").content.decode()


def test_the_version_moves_forward_and_a_rolled_back_change_leaves_it(people):
    before = data_version()
    raise_data_version()
    after = data_version()
    assert after[1] > before[1]
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_data_version()
        raise RuntimeError("the write fails")
    assert data_version() == after


def test_a_reused_page_is_the_page_built_afresh_but_for_the_token(client, make_request, people):
    for status in (Status.RECEIVED, Status.CRIME_CHECK, Status.DRAFT):
        make_request(status)
    sign_in(client, people["coordinator"])
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    for url in ("/", "/requests/", "/requests/?status=received", "/queues/intake/"):
        built = token.sub("TOKEN", client.get(url).content.decode())
        reused = token.sub("TOKEN", client.get(url).content.decode())
        assert reused == built, url
        assert "TOKEN" in built and "MPD-UV-1999-" in built


def test_a_refused_page_is_refused_again_not_served_from_the_cache(client, people):
    sign_in(client, people["advocate"])  # no decision queue for an advocate
    assert client.get("/queues/decisions/").status_code == 404
    assert client.get("/queues/decisions/").status_code == 404


def test_the_assign_form_marks_the_assigned_detective_and_follows_renames(
    client, make_request, people
):
    obj = make_request(Status.RECEIVED)  # assigned to people["detective"]
    assigned, other = people["detective"], people["other_detective"]
    sign_in(client, people["coordinator"])
    html = client.get(obj.get_absolute_url()).content.decode()
    assert f'<option value="{assigned.pk}" selected>' in html
    assert f'<option value="{other.pk}">' in html
    other.first_name, other.last_name = "<b>Eve", "O'Neil"
    other.save()  # raises the data version: the cached options are rebuilt
    html = client.get(obj.get_absolute_url()).content.decode()
    assert f'<option value="{other.pk}">&lt;b&gt;Eve O&#x27;Neil</option>' in html
    assert "<b>Eve" not in html


def test_a_sign_in_does_not_change_the_data_version(client, people):
    """Signing in saves ``last_login``, opens a tracked session and writes the access log:
    none of that is on a page, so every worker's cached pages and permission sets stay."""
    from django.contrib.auth.models import update_last_login

    raise_data_version()
    before = data_version()
    sign_in(client, people["coordinator"])
    update_last_login(None, people["coordinator"])  # as the second-factor page does
    assert client.get("/").status_code == 200
    people["coordinator"].refresh_from_db()
    assert people["coordinator"].last_login is not None
    assert data_version() == before


def test_a_change_to_a_user_a_page_shows_still_moves_the_version(people):
    before = data_version()
    people["detective"].first_name = "Renamed"
    people["detective"].save(update_fields=["first_name"])
    assert data_version() != before


def test_a_costly_aggregate_is_exact_when_nothing_changed_and_stale_for_a_bounded_time(people):
    from datetime import timedelta

    from django.utils import timezone

    from cases.page_cache import cached_value

    now = timezone.now()
    builds = []

    def build() -> int:
        builds.append(1)
        return len(builds)

    assert cached_value("test-aggregate", build, now=now, max_stale_seconds=60) == 1
    assert cached_value("test-aggregate", build, now=now, max_stale_seconds=60) == 1
    raise_data_version()  # a change: reused while younger than the bound
    later = now + timedelta(seconds=30)
    assert cached_value("test-aggregate", build, now=later, max_stale_seconds=60) == 1
    after_bound = now + timedelta(seconds=61)
    assert cached_value("test-aggregate", build, now=after_bound, max_stale_seconds=60) == 2
    raise_data_version()  # no bound: rebuilt on the next read after any change
    assert cached_value("test-aggregate", build, now=after_bound) == 3


# --- scoped invalidation: a write about one request keeps the pages of who cannot see it ---


def sorted_rows(html: str) -> list[str]:
    return sorted(set(_rows(html)))


def _org_b_request(make_request, people, org_a, org_b, status=Status.RECEIVED):
    from guardian.shortcuts import assign_perm

    obj = make_request(status, organization=org_b, advocate=people["other_advocate"])
    remove_perm("view_certificationrequest", org_a.group, obj)
    assign_perm("view_certificationrequest", org_b.group, obj)
    return obj


def test_a_transition_shows_to_its_organisation_and_keeps_the_other_ones_pages(
    make_request, people, org_a, org_b, django_assert_num_queries
):
    from django.test import Client

    ours = make_request(Status.RECEIVED)  # organisation A's
    theirs = _org_b_request(make_request, people, org_a, org_b)
    a, b, staff = Client(), Client(), Client()
    sign_in(a, people["advocate"])
    sign_in(b, people["other_advocate"])
    sign_in(staff, people["coordinator"])
    url = "/requests/?status=received"
    assert sorted_rows(a.get(url).content.decode()) == [ours.reference]
    assert sorted_rows(b.get(url).content.decode()) == [theirs.reference]
    assert sorted_rows(staff.get(url).content.decode()) == sorted(
        [ours.reference, theirs.reference]
    )

    services.request_begin_crime_check(request=ours, actor=people["coordinator"])
    with django_assert_num_queries(2):  # organisation B's page is reused as it was
        assert sorted_rows(b.get(url).content.decode()) == [theirs.reference]
    assert sorted_rows(a.get(url).content.decode()) == []  # A's own list follows at once
    assert sorted_rows(staff.get(url).content.decode()) == [theirs.reference]

    services.request_begin_crime_check(request=theirs, actor=people["coordinator"])
    with django_assert_num_queries(2):
        assert sorted_rows(a.get(url).content.decode()) == []
    assert sorted_rows(b.get(url).content.decode()) == []
    assert sorted_rows(staff.get(url).content.decode()) == []
    assert sorted_rows(staff.get("/requests/?status=crime_check").content.decode()) == sorted(
        [ours.reference, theirs.reference]
    )


def test_a_write_outside_the_services_shows_to_the_detective_it_is_granted_to(
    client, make_request, people
):
    from cases.models import CertificationRequest

    obj = make_request(Status.HELPFULNESS_REVIEW)
    sign_in(client, people["detective"])
    assert obj.reference in client.get("/queues/assignments/").content.decode()
    row = CertificationRequest.objects.get(pk=obj.pk)
    row.assigned_detective = people["other_detective"]
    row.save(update_fields=["assigned_detective"])  # a plain save: no service, no event
    response = client.get("/queues/assignments/")
    assert response.status_code == 200
    assert obj.reference not in response.content.decode()


def test_a_row_of_one_request_raises_its_scopes_and_not_the_shared_version(
    make_request, people, org_a
):
    from cases.models import CaseEvent
    from cases.page_cache import REQUESTS_SCOPE, versions

    def now(name: str) -> Any:  # read afresh (versions are kept on the user object)
        return versions(get_user_model().objects.get(pk=people[name].pk) if name else None)

    obj = make_request(Status.RECEIVED)
    before = {name: now(name) for name in ("", "advocate", "detective", "other_advocate")}
    CaseEvent.objects.create(request=obj, actor=people["coordinator"], kind="note", note="x")
    after = {name: now(name) for name in before}
    assert after[""].shared == before[""].shared
    assert after[""].scope(REQUESTS_SCOPE) > before[""].scope(REQUESTS_SCOPE)
    group = f"group:{org_a.group.pk}"
    detective = f"user:{people['detective'].pk}"
    assert after["advocate"].scope(group) > before["advocate"].scope(group)
    assert after["detective"].scope(detective) > before["detective"].scope(detective)
    # Organisation B holds no grant on the request: its advocate's pages stay.
    other = [(k, v) for k, v in after["other_advocate"].scopes if k != REQUESTS_SCOPE]
    assert other == [(k, v) for k, v in before["other_advocate"].scopes if k != REQUESTS_SCOPE]


def test_permission_sets_are_not_read_again_after_a_transition(client, make_request, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first, second = make_request(Status.RECEIVED), make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    client.get("/queues/intake/")
    services.request_begin_crime_check(request=first, actor=people["coordinator"])
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/queues/intake/").content.decode()  # built again
    assert first.reference in html and second.reference in html
    assert not [q for q in ctx.captured_queries if "auth_permission" in q["sql"]]
