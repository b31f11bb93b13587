"""Clock states, the expedited track, profiles and validity, at fixed times.

Pure functions: unsaved requests, explicit ``now``; America/New_York is the agency's zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cases import clocks
from cases.clocks import ClockState, ValidityState
from cases.models import CertificationRequest, Status
from tests.conftest import at

MA, CA, MN, IL = (clocks.PROFILES[c] for c in ("MA", "CA", "MN", "IL"))


def req(status: str = Status.RECEIVED, **fields) -> CertificationRequest:
    return CertificationRequest(status=status, **fields)


@pytest.mark.parametrize(
    "profile, received, due",
    [
        (MA, "2026-01-30 10:00", date(2026, 3, 1)),  # 30 days over a 28-day February
        (MA, "2028-01-30 10:00", date(2028, 2, 29)),  # leap year
        (MA, "2026-03-07 23:30", date(2026, 4, 6)),  # evening before the spring DST change
        (MA, "2026-10-31 23:59", date(2026, 11, 30)),  # fall DST change inside the period
        (CA, "2026-12-25 09:00", date(2027, 1, 8)),  # 14 days over the year end
        (MN, "2026-02-20 09:00", date(2026, 3, 6)),
        (IL, "2028-02-15 09:00", date(2028, 3, 7)),  # 21 days over Feb 29
    ],
)
def test_expedited_period_comes_from_the_profile(profile, received, due):
    assert clocks.expedited_due(at(received), jurisdiction=profile) == due


def test_profiles_match_the_reference_table():
    # Other states' laws: CA 90/14, MN 90/14, IL 90/21; MA 90 and no statutory expedited period.
    assert [(p.response_days, p.expedited_days) for p in (CA, MN, IL)] == [
        (90, 14),
        (90, 14),
        (90, 21),
    ]
    assert MA.response_days == 90 and not MA.expedited_is_statutory
    assert "policy" in MA.expedited_source.lower()
    assert all(p.expedited_is_statutory for p in (CA, MN, IL))


def test_the_profile_is_chosen_in_settings(settings):
    settings.UVISA_JURISDICTION = "IL"
    r = req(received_at=at("2026-05-01 09:00"), expedited=True)
    assert clocks.due_date(r) == date(2026, 5, 22)
    settings.UVISA_JURISDICTION = "MA"
    assert clocks.due_date(r) == date(2026, 5, 31)


def test_age_out_margin_wins_when_it_is_earlier():
    r = req(received_at=at("2026-03-01 09:00"), expedited=True, age_out_date=date(2026, 3, 20))
    # 03/20 minus the 14-day margin is 03/06, before receipt + 30 days (03/31).
    assert clocks.due_date(r, jurisdiction=MA) == date(2026, 3, 6)


def test_expedited_period_wins_when_the_age_out_is_far():
    r = req(received_at=at("2026-03-01 09:00"), expedited=True, age_out_date=date(2027, 1, 1))
    assert clocks.due_date(r, jurisdiction=MA) == date(2026, 3, 31)


def test_an_age_out_inside_the_margin_makes_it_due_the_day_it_arrives():
    r = req(received_at=at("2026-03-01 09:00"), expedited=True, age_out_date=date(2026, 3, 5))
    assert clocks.due_date(r, jurisdiction=MA) == date(2026, 3, 1)


def test_standard_track_ignores_the_age_out_date():
    r = req(received_at=at("2026-03-01 09:00"), age_out_date=date(2026, 3, 20))
    assert clocks.due_date(r, jurisdiction=MA) == date(2026, 5, 30)


@pytest.mark.parametrize(
    "now, state, days_left",
    [
        ("2026-01-16 08:00", ClockState.ON_TIME, 89),
        ("2026-03-31 23:59", ClockState.ON_TIME, 15),
        ("2026-04-01 00:00", ClockState.DUE_SOON, 14),
        ("2026-04-15 23:59", ClockState.DUE_SOON, 0),  # the last day still counts
        ("2026-04-16 00:00", ClockState.OVERDUE, -1),
    ],
)
def test_open_request_states(now, state, days_left):
    # Received 01/15, due 04/15; "due soon" is 14 days or fewer left.
    r = req(Status.CRIME_CHECK, received_at=at("2026-01-15 09:00"))
    c = clocks.clock(r, now=at(now), jurisdiction=MA)
    assert (c.state, c.days_left, c.due_on) == (state, days_left, date(2026, 4, 15))


def test_overdue_starts_at_local_midnight_across_the_fall_dst_change():
    # Received 08/04, due 11/02 (the day after DST ends on 11/01).
    r = req(Status.HELPFULNESS_REVIEW, received_at=at("2026-08-04 12:00"))
    assert clocks.due_date(r, jurisdiction=MA) == date(2026, 11, 2)
    late_evening = datetime(2026, 11, 3, 4, 59, tzinfo=UTC)  # 23:59 EST on 11/02
    just_after = datetime(2026, 11, 3, 5, 0, tzinfo=UTC)  # 00:00 EST on 11/03
    assert clocks.clock(r, now=late_evening, jurisdiction=MA).state == ClockState.DUE_SOON
    assert clocks.clock(r, now=just_after, jurisdiction=MA).state == ClockState.OVERDUE


def test_expedited_request_is_due_soon_three_days_out():
    r = req(received_at=at("2026-03-01 09:00"), expedited=True)  # due 03/31
    assert clocks.clock(r, now=at("2026-03-27 12:00"), jurisdiction=MA).state == ClockState.ON_TIME
    assert clocks.clock(r, now=at("2026-03-28 12:00"), jurisdiction=MA).state == ClockState.DUE_SOON
    assert clocks.clock(r, now=at("2026-04-01 00:00"), jurisdiction=MA).state == ClockState.OVERDUE


@pytest.mark.parametrize(
    "decided, state",
    [
        (at("2026-04-15 23:59"), ClockState.ANSWERED_ON_TIME),
        # 02:00 UTC on 04/16 is still 04/15 in Medford.
        (datetime(2026, 4, 16, 2, 0, tzinfo=UTC), ClockState.ANSWERED_ON_TIME),
        (at("2026-04-16 00:00"), ClockState.ANSWERED_LATE),
    ],
)
def test_answer_is_judged_by_its_local_day_against_the_due_date(decided, state):
    for status in (Status.CERTIFIED, Status.DECLINED, Status.CERTIFICATION_WITHDRAWN):
        r = req(status, received_at=at("2026-01-15 09:00"), decided_at=decided)
        c = clocks.clock(r, now=at("2027-01-01 12:00"), jurisdiction=MA)
        assert c.state == state
        assert c.due_on == date(2026, 4, 15)


def test_a_projected_date_without_a_notice_sent_moves_nothing():
    # Only a notice that was sent answers (c. 258F s. 3(iii)); tests/cases/test_delay_notices.py
    r = req(
        Status.CHIEF_DECISION,
        received_at=at("2026-01-15 09:00"),
        delay_projected_date=date(2026, 5, 30),
    )
    c = clocks.clock(r, now=at("2026-04-20 09:00"), jurisdiction=MA)
    assert (c.state, c.due_on, c.projected_on) == (ClockState.OVERDUE, date(2026, 4, 15), None)


def test_drafts_and_withdrawn_requests():
    assert clocks.clock(req(Status.DRAFT), now=at("2026-01-01 00:00")).state == (
        ClockState.NOT_STARTED
    )
    r = req(Status.WITHDRAWN, received_at=at("2026-01-15 09:00"), withdrawn_at=at("2026-02-01"))
    assert clocks.clock(r, now=at("2026-06-01 00:00")).state == ClockState.WITHDRAWN


def test_info_requested_keeps_the_clock_running():
    r = req(Status.INFO_REQUESTED, received_at=at("2026-01-15 09:00"))
    assert clocks.clock(r, now=at("2026-05-01 00:00")).state == ClockState.OVERDUE


@pytest.mark.parametrize(
    "signed, today, state",
    [
        (date(2026, 8, 31), "2027-01-28 12:00", ValidityState.VALID),
        (date(2026, 8, 31), "2027-01-29 00:00", ValidityState.EXPIRES_SOON),  # 02/28 - 30
        (date(2026, 8, 31), "2027-02-28 23:59", ValidityState.EXPIRES_SOON),
        (date(2026, 8, 31), "2027-03-01 00:00", ValidityState.EXPIRED),
        (date(2027, 8, 31), "2028-01-30 12:00", ValidityState.EXPIRES_SOON),  # leap: 02/29 - 30
        (date(2027, 8, 31), "2028-01-29 12:00", ValidityState.VALID),
        (date(2026, 4, 1), "2026-08-31 12:00", ValidityState.EXPIRES_SOON),  # last day 09/30
    ],
)
def test_signed_form_validity_states(signed, today, state):
    assert clocks.validity(signed, now=at(today)) == state


def test_massachusetts_expedited_lateness_is_policy_not_statute():
    r = req(
        Status.CERTIFIED,
        received_at=at("2026-03-01 09:00"),
        expedited=True,
        decided_at=at("2026-04-15 09:00"),
    )
    ma = clocks.clock(r, now=at("2026-05-01 09:00"), jurisdiction=MA)
    assert (ma.state, ma.due_on, ma.statutory_due_on) == (
        ClockState.ANSWERED_LATE,
        date(2026, 3, 31),
        date(2026, 5, 30),
    )
    assert not ma.answered_after_statutory_limit
    ca = clocks.clock(r, now=at("2026-05-01 09:00"), jurisdiction=CA)
    assert ca.statutory_due_on == date(2026, 3, 15) and ca.answered_after_statutory_limit
