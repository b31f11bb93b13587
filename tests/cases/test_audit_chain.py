"""Tamper-evident audit: a hash chain over CaseEvent, ``audit_verify``, and on PostgreSQL a
trigger refusing UPDATE and DELETE on the audit tables."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from cases import services
from cases.audit import GENESIS
from cases.models import AccessLog, AuditChainHead, CaseEvent

VICTIM = {"family_name": "Nguyen", "given_name": "Thi", "incident_date": date(2025, 6, 1)}


@pytest.fixture
def trail(agency, people):
    """A few events on two requests, written by the real services."""
    advocate, coordinator = people["advocate"], people["coordinator"]
    a = services.request_create(actor=advocate, agency=agency, values=VICTIM)
    b = services.request_create(actor=advocate, agency=agency, values=VICTIM)
    services.request_update(request=a, actor=advocate, values={"middle_name": "Lan"})
    a = services.request_submit(request=a, actor=advocate)
    services.request_begin_crime_check(request=a, actor=coordinator)
    services.request_withdraw(request=b, actor=advocate, reason="Moved away.")
    return list(CaseEvent.objects.order_by("pk"))


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def tamper(sql: str, params: list) -> None:
    """What a person with database access could do: bypass the application (and, on
    PostgreSQL, switch the trigger off first, as a database superuser can)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a superuser can switch triggers off
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def test_each_event_is_chained_to_the_previous_one(trail):
    assert len(trail) == 6
    assert trail[0].prev_hash == GENESIS
    for previous, event in zip(trail, trail[1:], strict=False):
        assert event.prev_hash == previous.hash and len(event.hash) == 64
    assert AuditChainHead.objects.get(pk=1).last_hash == trail[-1].hash
    assert "Audit chain intact: 6 events." in verify()


def test_changing_one_row_by_sql_is_found_and_named(trail):
    target = trail[3]
    tamper("UPDATE cases_caseevent SET to_state = %s WHERE id = %s", ["certified", target.pk])
    with pytest.raises(CommandError) as failure:
        verify()
    message = str(failure.value)
    assert f"event {target.pk} ({target.request.reference})" in message
    assert "content does not match its hash" in message


def test_replacing_a_note_with_a_validly_encrypted_one_is_found(trail):
    from cases.lib.crypto import encrypt_text

    target = trail[-1]
    tamper(
        "UPDATE cases_caseevent SET note = %s WHERE id = %s", [encrypt_text("Nothing."), target.pk]
    )
    with pytest.raises(CommandError, match=f"event {target.pk} "):
        verify()


def test_deleting_a_row_is_found(trail):
    target = trail[2]
    tamper("DELETE FROM cases_caseevent WHERE id = %s", [target.pk])
    with pytest.raises(CommandError, match=f"event {trail[3].pk} .*does not follow"):
        verify()


def test_cutting_off_the_newest_events_is_found(trail):
    # The notice written with the event goes too (its row points at the event).
    tamper("DELETE FROM cases_outboundmail WHERE event_id = %s", [trail[-1].pk])
    tamper("DELETE FROM cases_caseevent WHERE id = %s", [trail[-1].pk])
    with pytest.raises(CommandError, match="events after this one are missing"):
        verify()


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE cases_caseevent SET note = '' WHERE id = %s",
        "DELETE FROM cases_caseevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_updates_and_deletes_on_case_events(trail, sql):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [trail[0].pk])
    assert CaseEvent.objects.count() == len(trail)


@pytest.mark.postgres_only
def test_postgresql_refuses_changes_to_the_access_log(client, people, make_request):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    from tests.conftest import sign_in

    r = make_request()
    sign_in(client, people["advocate"])
    client.get(r.get_absolute_url())
    entry = AccessLog.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(username="someone else")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_chain_linear(make_request, people):
    """Four threads append events to four requests at once: one chain, no fork."""
    from tests.cases.test_race import race

    requests = [make_request() for _ in range(4)]
    advocate = people["advocate"]
    ids = iter(r.pk for r in requests)
    lock = __import__("threading").Lock()

    def edit(copy, actor):
        with lock:
            pk = next(ids)
        target = type(copy).objects.get(pk=pk)
        services.request_update(request=target, actor=actor, values={"middle_name": f"M{pk}"})

    outcomes = race(requests[0].pk, [advocate] * 4, edit)
    assert outcomes == ["ok"] * 4
    events = list(CaseEvent.objects.order_by("pk"))
    assert len(events) == 4 and len({e.prev_hash for e in events}) == 4
    assert "Audit chain intact: 4 events." in verify()
