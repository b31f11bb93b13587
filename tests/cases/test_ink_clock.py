"""The c. 258F s. 3(i) answer is the ink signature: the clock, the validity, the reminder and the
annual report count from the ink date, not from the decision."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cases import clocks, notifications, reminders
from cases.clocks import ClockState
from cases.documents import issuing, verification
from cases.models import Status
from cases.reporting.annual import build_annual_report
from tests.conftest import at, record_ink

pytestmark = pytest.mark.django_db

RECEIVED = "2026-01-05 10:00"  # a Monday; day 90 is 04/05/2026


def day(n: int, hour: int = 11):
    return at(RECEIVED) + timedelta(days=n, hours=hour - 10)


def decided_on_day(make_request, people, n: int):
    r = make_request(Status.CHIEF_DECISION, received_at=at(RECEIVED))
    return issuing.request_certify(request=r, actor=people["chief"], at=day(n))


def test_decision_on_day_80_with_ink_on_day_92_is_answered_late(make_request, people):
    r = decided_on_day(make_request, people, 80)
    assert r.status == Status.AWAITING_INK
    on_85 = clocks.clock(r, now=day(85))
    assert on_85.state == ClockState.DUE_SOON and on_85.answered_on is None
    r = record_ink(r, people["coordinator"], signed_on=timezone.localdate(day(92)), at=day(92))
    late = clocks.clock(r, now=day(100))
    assert late.state == ClockState.ANSWERED_LATE
    assert late.answered_on == timezone.localdate(day(92)) and late.days_elapsed == 92
    # The six months run from the ink date, not from the decision.
    facts = verification.verify_pdf(r.issued_form.data).facts()
    assert facts["valid_until"] == clocks.filing_valid_until(timezone.localdate(day(92)))
    assert facts["valid_until"] != clocks.filing_valid_until(timezone.localdate(day(80)))
    assert r.issued_form.valid_until is None


def test_ink_on_day_89_after_a_decision_on_day_80_is_on_time(make_request, people):
    r = decided_on_day(make_request, people, 80)
    r = record_ink(r, people["coordinator"], signed_on=timezone.localdate(day(89)), at=day(89))
    assert clocks.clock(r, now=day(120)).state == ClockState.ANSWERED_ON_TIME


def test_no_ink_by_day_91_is_overdue(make_request, people):
    r = decided_on_day(make_request, people, 80)
    clock = clocks.clock(r, now=day(91))
    assert clock.state == ClockState.OVERDUE and clock.days_left == -1


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2026-01-05", "2026-01-08", 3),  # Monday -> Thursday
        ("2026-01-09", "2026-01-14", 3),  # Friday -> Wednesday: the weekend does not count
        ("2026-01-09", "2026-01-15", 4),
        ("2026-01-05", "2026-01-05", 0),
    ],
)
def test_working_days(start, end, days):
    assert clocks.working_days_between(date.fromisoformat(start), date.fromisoformat(end)) == days


def test_a_decision_waiting_for_ink_more_than_3_working_days_reminds_the_chief(
    make_request, people
):
    r = decided_on_day(make_request, people, 4)  # Friday 01/09/2026
    # Wednesday 01/14: 3 working days; Thursday 01/15: 4.
    assert not [x for x in reminders.pending_reminders(now=day(9)) if x.kind == reminders.INK_KIND]
    due = [x for x in reminders.pending_reminders(now=day(10)) if x.kind == reminders.INK_KIND]
    assert people["chief"] in {x.recipient for x in due} and {x.request for x in due} == {r}
    mail.outbox.clear()
    reminders.send_reminders(now=day(10))
    notifications.deliver_due(now=day(10))  # the outbox worker
    ink_mail = [m for m in mail.outbox if "awaits the ink signature" in m.subject]
    assert "chief@example.org" in {a for m in ink_mail for a in m.to}
    assert "García" not in " ".join(m.subject + m.body for m in ink_mail)
    reminders.send_reminders(now=day(11))  # exactly once
    notifications.deliver_due(now=day(11))
    assert len([m for m in mail.outbox if "awaits the ink signature" in m.subject]) == len(ink_mail)
    record_ink(r, people["coordinator"], signed_on=timezone.localdate(day(12)), at=day(12))
    assert not [x for x in reminders.pending_reminders(now=day(13)) if x.kind == reminders.INK_KIND]


def test_the_annual_report_counts_a_certification_in_the_year_of_its_ink(make_request, people):
    r = make_request(Status.CHIEF_DECISION, received_at=at("2026-11-02 10:00"))
    r = issuing.request_certify(request=r, actor=people["chief"], at=at("2026-12-30 15:00"))
    report_2026 = build_annual_report(2026, now=at("2027-01-10 12:00"))
    assert report_2026.signed == 0 and report_2026.pending == 1
    r = record_ink(
        r, people["coordinator"], signed_on=at("2027-01-04 09:00").date(), at=at("2027-01-04 09:30")
    )
    report_2026 = build_annual_report(2026, now=at("2027-01-10 12:00"))
    report_2027 = build_annual_report(2027, now=at("2027-01-10 12:00"))
    assert report_2026.signed == 0 and report_2026.pending == 1
    assert report_2027.signed == 1 and report_2027.answered == 1
