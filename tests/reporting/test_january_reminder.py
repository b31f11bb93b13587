"""c. 258F s. 4(a): in January, remind the coordinator and the Chief to submit by February 1."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from cases import reminders
from cases.models import AnnualReportSubmission, ReminderSent
from tests.conftest import at

pytestmark = pytest.mark.django_db


def test_january_reminder_once_until_the_submission_is_recorded(people):
    result = reminders.send_reminders(now=at("2027-01-05 08:00"))
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["chief@example.org", "coordinator@example.org"] and result["sent"] == 2
    assert "annual report 2026: due to EOPSS by February 1, 2027" in mail.outbox[0].subject
    assert "/reports/annual/2026/" in mail.outbox[0].body
    assert reminders.send_reminders(now=at("2027-01-06 08:00"))["sent"] == 0  # exactly once
    assert ReminderSent.objects.filter(request=None, kind="annual_report_2026").count() == 2


def test_no_reminder_once_submitted_or_outside_january(people):
    assert reminders.send_reminders(now=at("2027-02-02 08:00"))["sent"] == 0
    assert reminders.send_reminders(now=at("2026-12-30 08:00"))["sent"] == 0
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
    assert reminders.send_reminders(now=at("2027-01-05 08:00"))["sent"] == 0
    assert not mail.outbox
