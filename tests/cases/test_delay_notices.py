"""Delay notices as answers (c. 258F s. 3(iii)): timely or late, several, reminders, tile."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import clocks, reminders, services
from cases.clocks import ClockState, NoticeFact
from cases.models import (
    CaseEvent,
    CertificationRequest,
    DelayNotice,
    IssuedLetter,
    OutboundMail,
    Status,
)
from cases.reporting.open_clocks import count_open_requests_by_clock
from tests.conftest import at

MA = clocks.PROFILES["MA"]
RECEIVED = at("2026-01-01 09:00")  # day 0; day 90 is 04/01/2026


def day(n: int) -> date:
    return date(2026, 1, 1) + timedelta(days=n)


def noon(n: int):
    return at(f"{day(n).isoformat()} 12:00")


def pending(**fields) -> CertificationRequest:
    return CertificationRequest(status=Status.CHIEF_DECISION, received_at=RECEIVED, **fields)


def test_notice_on_day_85_projecting_day_120_holds_the_request_to_day_120():
    r = pending()
    notices = [NoticeFact(day(85), day(120))]
    on_100 = clocks.clock(r, now=noon(100), jurisdiction=MA, notices=notices)
    assert on_100.state != ClockState.OVERDUE
    assert (on_100.due_on, on_100.deadline_on, on_100.days_left) == (day(90), day(120), 20)
    assert on_100.delay_text == (
        f"Delay notice sent {day(85):%m/%d/%Y}, decision projected {day(120):%m/%d/%Y}"
    )
    assert clocks.clock(r, now=noon(120), jurisdiction=MA, notices=notices).state == (
        ClockState.DUE_SOON
    )
    on_121 = clocks.clock(r, now=noon(121), jurisdiction=MA, notices=notices)
    assert (on_121.state, on_121.days_left) == (ClockState.OVERDUE, -1)


def test_notice_on_day_95_is_late_and_moves_nothing():
    r = pending()
    notices = [NoticeFact(day(95), day(130))]
    c = clocks.clock(r, now=noon(100), jurisdiction=MA, notices=notices)
    assert c.state == ClockState.OVERDUE and c.deadline_on == day(90)
    assert c.late_notices == (day(95),) and c.notice_sent_on is None
    assert "late delay notice sent" in c.delay_text.lower()
    assert clocks.notice_timely(day(90), [], day(95)) == (False, day(90))
    assert clocks.notice_timely(day(90), [], day(90)) == (True, day(90))  # day 90 is in time


def test_several_notices_each_with_its_projected_date():
    r = pending()
    chain = [NoticeFact(day(85), day(120)), NoticeFact(day(118), day(150))]
    assert clocks.clock(r, now=noon(140), jurisdiction=MA, notices=chain).state == (
        ClockState.DUE_SOON
    )
    c = clocks.clock(r, now=noon(151), jurisdiction=MA, notices=chain)
    assert (c.state, c.projected_on, c.last_notice_on) == (ClockState.OVERDUE, day(150), day(118))
    # A second notice after the first projected date has passed is late.
    late_second = [NoticeFact(day(85), day(120)), NoticeFact(day(125), day(160))]
    c = clocks.clock(r, now=noon(130), jurisdiction=MA, notices=late_second)
    assert c.state == ClockState.OVERDUE and c.late_notices == (day(125),)


def test_a_decision_by_the_projected_date_is_on_time_after_it_late():
    notices = [NoticeFact(day(85), day(120))]
    on_time = pending(decided_at=noon(110))
    late = pending(decided_at=noon(121))
    assert clocks.clock(on_time, now=noon(200), notices=notices).state == (
        ClockState.ANSWERED_ON_TIME
    )
    assert not clocks.clock(on_time, now=noon(200), notices=notices).answered_after_statutory_limit
    assert clocks.clock(late, now=noon(200), notices=notices).state == ClockState.ANSWERED_LATE
    # Without a notice, day 110 is late.
    assert clocks.clock(on_time, now=noon(200), notices=[]).state == ClockState.ANSWERED_LATE


@pytest.mark.django_db
def test_the_service_records_each_notice_timely_or_late(make_request, people):
    r = make_request(Status.HELPFULNESS_REVIEW, received_at=RECEIVED)
    coordinator = people["coordinator"]
    with mock.patch("django.utils.timezone.now", return_value=noon(85)):
        services.request_issue_delay_notice(
            request=r,
            actor=coordinator,
            reason="Lab",
            process="Wait",
            projected_date=day(120),
            at=noon(85),
        )
    r.refresh_from_db()
    with mock.patch("django.utils.timezone.now", return_value=noon(121)):
        services.request_issue_delay_notice(
            request=r,
            actor=coordinator,
            reason="Lab again",
            process="Wait",
            projected_date=day(160),
            at=noon(121),
        )
    notices = list(DelayNotice.objects.filter(request=r))
    assert [(n.timely, n.deadline_then) for n in notices] == [(True, day(90)), (False, day(120))]
    r.refresh_from_db()
    assert r.delay_deadline == day(120) and r.delay_projected_date == day(160)
    c = clocks.clock(r, now=noon(122))
    assert c.state == ClockState.OVERDUE and c.late_notices == (day(121),)
    events = CaseEvent.objects.filter(request=r, transition="issue_delay_notice")
    assert [e.data["timely"] for e in events] == [True, False]
    # Each notice is its own letter, dated the day it was sent.
    letters = IssuedLetter.objects.filter(request=r, kind="delay").order_by("pk")
    assert [x.dated for x in letters] == [day(85), day(121)]


@pytest.mark.django_db
def test_a_notice_with_a_past_projected_date_is_refused(make_request, people):
    r = make_request(Status.HELPFULNESS_REVIEW)
    with pytest.raises(ValidationError):
        services.request_issue_delay_notice(
            request=r,
            actor=people["coordinator"],
            reason="x",
            process="y",
            projected_date=timezone.localdate(),
        )
    assert not DelayNotice.objects.filter(request=r).exists()


@pytest.mark.django_db
def test_reminders_before_the_projected_date_then_overdue(make_request, people):
    r = make_request(Status.HELPFULNESS_REVIEW, received_at=RECEIVED)
    with mock.patch("django.utils.timezone.now", return_value=noon(85)):
        services.request_issue_delay_notice(
            request=r,
            actor=people["coordinator"],
            reason="Lab",
            process="Wait",
            projected_date=day(120),
            at=noon(85),
        )
    mail.outbox.clear()
    kinds = lambda now: {  # noqa: E731
        m.kind for m in reminders.pending_reminders(now=now) if m.request is not None
    }
    assert kinds(noon(100)) == set()  # day 75 came before the notice; day 100 is 20 days out
    assert kinds(noon(107)) == {"projected_20260501"}  # 14 days before 05/01 (day 120)
    first = reminders.send_reminders(now=noon(107))
    queued = OutboundMail.objects.filter(reminder__isnull=False)
    assert first["queued"] >= 1 and all("projected by 05/01/2026" in m.subject for m in queued)
    assert reminders.send_reminders(now=noon(110))["queued"] == 0  # once per projected date
    assert kinds(noon(121)) == {"overdue"}


@pytest.mark.django_db
def test_the_home_tile_counts_a_timely_notice_by_its_projected_date(make_request, people):
    r = make_request(Status.HELPFULNESS_REVIEW, received_at=RECEIVED)
    r.due_on = day(90)
    r.save(update_fields=["due_on"])
    with mock.patch("django.utils.timezone.now", return_value=noon(85)):
        services.request_issue_delay_notice(
            request=r,
            actor=people["coordinator"],
            reason="Lab",
            process="Wait",
            projected_date=day(120),
            at=noon(85),
        )
    counts = {state: n for state, _label, n in count_open_requests_by_clock(now=noon(100))}
    assert counts == {"on_time": 1, "due_soon": 0, "overdue": 0}  # 20 days to 05/01
    counts = {state: n for state, _label, n in count_open_requests_by_clock(now=noon(121))}
    assert counts["overdue"] == 1


@pytest.mark.django_db
def test_after_a_timely_notice_the_due_date_shown_is_the_one_the_days_count_to(
    client, make_request, people
):
    """c. 258F s. 3(iii): after a written delay notice the answer is due by the projected
    date; the case page and the queue show that date beside the days left to it."""
    from datetime import datetime, time

    from tests.conftest import sign_in

    today = timezone.localdate()
    now = datetime.combine(today, time(12), tzinfo=timezone.get_current_timezone())
    r = make_request(Status.HELPFULNESS_REVIEW, received_at=now - timedelta(days=80))
    first_due = r.due_on
    projected = today + timedelta(days=40)
    services.request_issue_delay_notice(
        request=r,
        actor=people["coordinator"],
        reason="Lab results",
        process="Wait for the lab",
        projected_date=projected,
        at=now,
    )
    sign_in(client, people["coordinator"])
    page = client.get(f"/requests/{r.reference}/").content.decode()
    shown = f'{projected:%m/%d/%Y}</strong> <span class="clock clock-ok" id="clock">'
    assert shown + "Due in 40 days</span>" in page
    assert f"instead of {first_due:%m/%d/%Y}" in page
    queue = client.get("/queues/intake/").content.decode()
    assert f'{projected:%m/%d/%Y} <span class="clock clock-ok">Due in 40 days' in queue
    assert f"{first_due:%m/%d/%Y} <span" not in queue
