"""c. 258F s. 4(a): in January, remind the coordinator and the Chief to submit by February 1."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from cases import notifications, reminders
from cases.models import AnnualReportSubmission, OutboundMail, ReminderSent
from tests.conftest import at

pytestmark = pytest.mark.django_db


def test_january_reminder_once_until_the_submission_is_recorded(people):
    result = reminders.send_reminders(now=at("2027-01-05 08:00"))
    # Queued in the outbox, about no single request; the worker sends them.
    assert OutboundMail.objects.filter(request=None, reminder__isnull=False).count() == 2
    notifications.deliver_due(now=at("2027-01-05 08:00"))
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["chief@example.org", "coordinator@example.org"] and result["queued"] == 2
    assert "annual report 2026: due to EOPSS by February 1, 2027" in mail.outbox[0].subject
    assert "/reports/annual/2026/" in mail.outbox[0].body
    assert reminders.send_reminders(now=at("2027-01-06 08:00"))["queued"] == 0  # exactly once
    assert ReminderSent.objects.filter(request=None, kind="annual_report_2026").count() == 2


def test_no_reminder_once_submitted_or_outside_january(people):
    assert reminders.send_reminders(now=at("2027-02-02 08:00"))["queued"] == 0
    assert reminders.send_reminders(now=at("2026-12-30 08:00"))["queued"] == 0
    AnnualReportSubmission.objects.create(
        year=2026,
        submitted_on=date(2027, 1, 3),
        submitted_to="EOPSS",
        method="email",
        file_name="r.pdf",
        content_type="application/pdf",
        content=b"%PDF",
        sha256="0" * 64,
        recorded_by=people["coordinator"],
    )
    assert reminders.send_reminders(now=at("2027-01-05 08:00"))["queued"] == 0
    assert not mail.outbox


def test_a_january_reminder_not_sent_is_on_the_coordinators_page_and_sent_again(
    client, people, settings
):
    """A reminder about no single request that the mail server kept refusing: listed without
    a link to a request, marked as a reminder, and sent again by the coordinator, audited."""
    from unittest import mock

    from django.urls import reverse

    from cases.models import CaseEvent
    from tests.conftest import sign_in

    settings.UVISA_OUTBOX_MAX_ATTEMPTS = 1
    now = at("2027-01-05 08:00")
    reminders.send_reminders(now=now)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("no server")
    ):
        assert notifications.deliver_due(now=now)["failed"] == 2
    sign_in(client, people["coordinator"])
    page = client.get(reverse("notice_list")).content.decode()
    assert "annual report 2026: due to EOPSS by February 1, 2027" in page
    assert page.count(">Reminder</span>") == 2
    row = OutboundMail.objects.filter(request=None).first()
    assert client.post(reverse("notice_resend", args=[row.pk])).status_code == 302
    assert CaseEvent.objects.filter(request=None, kind=CaseEvent.Kind.MAIL_RESENT).count() == 1
    notifications.deliver_due(now=at("2027-01-05 08:05"))
    assert len(mail.outbox) == 1
