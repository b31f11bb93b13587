"""send_reminders: who gets which reminder, and each exactly once."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections

from cases import notifications, reminders
from cases.models import OutboundMail, ReminderSent, Status
from tests.conftest import at

NOW = at("2026-06-15 09:00")


def sent() -> list[tuple[str, str]]:
    return sorted((m.to[0], m.subject) for m in mail.outbox)


def run(now):
    """Queue the reminders due, then let the outbox worker send what is due."""
    counts = reminders.send_reminders(now=now)
    notifications.deliver_due(now=now)
    return counts


@pytest.fixture
def received(make_request):
    def make(days_ago: int, status: str = Status.CRIME_CHECK, **fields):
        return make_request(status, received_at=NOW - timedelta(days=days_ago), **fields)

    return make


def test_thresholds_go_to_the_coordinator_and_the_assigned_detective(received, people):
    r = received(31, Status.HELPFULNESS_REVIEW)
    counts = run(NOW)
    assert counts == {"due": 2, "queued": 2, "skipped": 0}
    assert sent() == [
        ("coordinator@example.org", f"{r.reference}: day 31 since receipt, answer due 08/13/2026"),
        ("detective@example.org", f"{r.reference}: day 31 since receipt, answer due 08/13/2026"),
    ]
    assert set(ReminderSent.objects.values_list("kind", flat=True)) == {"day_30"}


def test_only_the_latest_threshold_is_sent(received):
    received(65)
    run(NOW)
    assert list(ReminderSent.objects.values_list("kind", flat=True)) == ["day_60"]


def test_each_threshold_once_as_time_passes(received):
    r = received(29)
    assert run(NOW)["queued"] == 0
    assert run(NOW + timedelta(days=1))["queued"] == 1  # day 30
    assert run(NOW + timedelta(days=2))["queued"] == 0
    assert run(NOW + timedelta(days=31))["queued"] == 1  # day 60
    assert run(NOW + timedelta(days=46))["queued"] == 1  # day 75
    assert run(NOW + timedelta(days=62))["queued"] == 1  # overdue
    assert run(NOW + timedelta(days=90))["queued"] == 0
    kinds = ReminderSent.objects.filter(request=r).order_by("pk").values_list("kind", flat=True)
    assert list(kinds) == ["day_30", "day_60", "day_75", "overdue"]


def test_thresholds_are_configurable(received, settings):
    settings.UVISA_REMINDER_DAYS = [10, 20]
    received(21)
    run(NOW)
    assert list(ReminderSent.objects.values_list("kind", flat=True)) == ["day_20"]


def test_overdue_goes_to_the_designated_chief_for_a_decision(received, people):
    r = received(91, Status.CHIEF_DECISION)
    run(NOW)
    subject = f"{r.reference}: answer overdue (was due 06/14/2026)"
    # The undesignated chief cannot decide, so is not reminded.
    assert sent() == [("chief@example.org", subject), ("coordinator@example.org", subject)]


def test_expedited_request_is_reminded_when_due_soon(received):
    r = received(28, expedited=True, expedited_reason="removal")  # due in 2 days
    run(NOW)
    assert sent() == [
        ("coordinator@example.org", f"{r.reference}: expedited request, answer due 06/17/2026")
    ]


def test_advocate_hears_when_the_signed_form_nears_the_end_of_its_validity(make_request):
    r = make_request(Status.CERTIFIED, signed_on=date(2026, 1, 1), decided_at=at("2026-01-01"))
    make_request(Status.CERTIFIED, signed_on=date(2026, 3, 1), decided_at=at("2026-03-01"))
    run(NOW)  # 01/01 -> valid until 06/30: within 30 days
    assert sent() == [
        ("advocate@example.org", f"{r.reference}: signed form can be filed until 06/30/2026")
    ]


def test_answered_drafts_and_withdrawn_requests_get_nothing(make_request, received):
    received(200, Status.DECLINED, decided_at=NOW - timedelta(days=150))
    received(200, Status.WITHDRAWN)
    make_request(Status.DRAFT)
    assert run(NOW)["due"] == 0
    assert mail.outbox == []


def test_no_victim_details_in_reminders(received, make_request):
    received(
        91,
        Status.HELPFULNESS_REVIEW,
        a_number="123456789",
        report_number="MPD-2025-04411",
        date_of_birth=date(1990, 7, 4),
    )
    make_request(Status.CERTIFIED, signed_on=date(2026, 1, 1), decided_at=at("2026-01-01"))
    run(NOW)
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        text = message.subject + message.body
        for secret in ["García", "María", "123456789", "MPD-2025-04411", "1990", "07/04"]:
            assert secret not in text


def test_a_refused_mail_stays_in_the_outbox_and_goes_once_the_server_answers(received):
    received(31)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("no server")
    ):
        assert run(NOW)["queued"] == 1
    assert mail.outbox == []
    row = OutboundMail.objects.get()
    assert row.state == OutboundMail.State.PENDING and row.attempts == 1
    assert row.reminder == ReminderSent.objects.get() and "no server" in row.last_error
    # The next run queues nothing new; the worker's next try, after its back-off, sends it.
    assert run(NOW)["queued"] == 0 and mail.outbox == []
    notifications.deliver_due(now=row.next_attempt_at)
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == row.subject
    assert OutboundMail.objects.get().state == OutboundMail.State.SENT


def test_a_crash_after_the_claim_cannot_lose_the_reminder(received):
    """The claim and its mail are one transaction: no claim without its mail in the outbox."""
    received(31)
    with (
        mock.patch.object(OutboundMail.objects, "create", side_effect=RuntimeError("crash")),
        pytest.raises(RuntimeError),
    ):
        reminders.send_reminders(now=NOW)
    assert not ReminderSent.objects.exists()  # nothing claimed: the next run queues it
    assert run(NOW)["queued"] == 1 and len(mail.outbox) == 1


def test_the_command_twice_in_a_row_sends_each_reminder_once(received, capsys):
    received(31, Status.HELPFULNESS_REVIEW)
    received(91, Status.CHIEF_DECISION)
    call_command("send_reminders")
    first = sent()
    call_command("send_reminders")
    assert sent() == first and len(first) == 4
    assert ReminderSent.objects.count() == 4
    out = capsys.readouterr().out
    assert "4 queued, 0 already queued" in out and "0 queued, 4 already queued" in out
    assert "Outbox: 4 sent" in out


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_copies_at_once_send_each_reminder_once(attempt, received):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs concurrent writers: SQLite serialises the whole database (CI: PostgreSQL)"
        )
    for i in range(8):
        received(91 + i, Status.CHIEF_DECISION)  # coordinator + chief each: 16 reminders
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            # Every claim a copy makes is a real INSERT on its own connection.
            results[i] = reminders.send_reminders(now=NOW)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(isinstance(r, dict) for r in results), results
    assert sum(r["queued"] for r in results) == 16, results
    assert sum(r["skipped"] for r in results) == 16, results  # each one refused by the other
    assert OutboundMail.objects.count() == 16
    notifications.deliver_due(now=NOW)
    assert len(mail.outbox) == 16
    assert len(set(sent())) == 16  # no (recipient, subject) twice
    assert ReminderSent.objects.filter(sent_at__isnull=False).count() == 16
