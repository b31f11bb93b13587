"""Statutory clocks: pure functions of a request (or dates) and an explicit ``now``.

- The answer is due 90 days after the request is received (M.G.L. c. 258F s. 3).
- Expedited track (as other states' laws have it): removal proceedings, detention or an
  approaching age-out date, chosen at intake. The due date is then the earlier of the
  profile's expedited period and the age-out margin
  (``age_out_date`` minus ``age_out_margin_days``).
- A delay notice sent by the due date answers the request under s. 3(iii) (the reason, the
  process and a projected date): the request is then held to the projected date instead,
  and turns overdue only after it. Several notices may follow one another; each one sent by
  the deadline then in force moves the deadline to its projected date. A notice sent after
  the deadline is late and moves nothing.
- A final answer is on time when its day (``answered_on``) is on or before the deadline in
  force. A denial answers on the agency's local day of ``decided_at`` (s. 3(ii)); a
  certification answers only when the form is completed and signed (s. 3(i)), that is on the
  date the certifying official wrote in ink in Part 6 item 2 (``signed_on``), not on the day of
  the decision: a request awaiting the ink signature is still pending.
- A signed Supplement B may be filed for six months (8 CFR 214.14(c)(2)(i)).

Days are the agency's calendar days (``DJANGO_TIME_ZONE``), so a DST change never moves a
due date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone

from cases.states import PENDING_STATES, FormType, Status


class ClockRequest(Protocol):
    """What the clocks read of a request (cases.models.ClockRequest has them): the
    clocks are computed from these alone, so the model may call them."""

    @property
    def pk(self) -> Any: ...

    @property
    def status(self) -> Any: ...

    @property
    def expedited(self) -> Any: ...

    @property
    def age_out_date(self) -> Any: ...

    @property
    def received_at(self) -> Any: ...

    @property
    def decided_at(self) -> Any: ...

    @property
    def signed_on(self) -> Any: ...

    @property
    def first_answered_at(self) -> Any: ...

    @property
    def delay_issued_at(self) -> Any: ...

    @property
    def delay_projected_date(self) -> Any: ...

    @property
    def delay_notices(self) -> Any: ...


@dataclass(frozen=True)
class JurisdictionProfile:
    code: str
    name: str
    response_days: int
    expedited_days: int | None
    source: str
    # Where the expedited period comes from: a statute, or the department's own policy
    # when the statute has none (Massachusetts today).
    expedited_source: str = ""
    expedited_is_statutory: bool = False
    # The form must reach the victim this many days before a family member ages out,
    # to leave time to file (department policy; IL's VOICES Act uses 5-21 day tracks).
    age_out_margin_days: int = 14
    # "Due soon" when this many days or fewer are left (standard / expedited track).
    due_soon_days: int = 14
    expedited_due_soon_days: int = 3


PROFILES: dict[str, JurisdictionProfile] = {
    # c. 258F sets no expedited period (SD 3394 is pending). Medford's written
    # policy (c. 258F s. 2) answers expedited requests within 30 days: department policy,
    # not statute, so reports say so.
    "MA": JurisdictionProfile(
        "MA",
        "Massachusetts",
        90,
        30,
        "M.G.L. c. 258F s. 3",
        expedited_source="Department policy under M.G.L. c. 258F s. 2 (no statutory period)",
    ),
    "CA": JurisdictionProfile(
        "CA",
        "California",
        90,
        14,
        "Cal. Penal Code 679.10",
        expedited_source="Cal. Penal Code 679.10 (removal proceedings)",
        expedited_is_statutory=True,
    ),
    "MN": JurisdictionProfile(
        "MN",
        "Minnesota",
        90,
        14,
        "Minn. Stat. 611A.95",
        expedited_source="Minn. Stat. 611A.95 (removal proceedings, raised with the request)",
        expedited_is_statutory=True,
    ),
    "IL": JurisdictionProfile(
        "IL",
        "Illinois",
        90,
        21,
        "5 ILCS 825 (VOICES Act)",
        expedited_source="5 ILCS 825 (removal proceedings; derivative age-out)",
        expedited_is_statutory=True,
    ),
}


def profile(code: str | None = None) -> JurisdictionProfile:

    return PROFILES[code or settings.UVISA_JURISDICTION]


def received_date(received_at: datetime) -> date:
    """The calendar day of receipt in the agency's time zone."""
    return timezone.localdate(received_at)


def response_due(received_at: datetime, *, jurisdiction: JurisdictionProfile | None = None) -> date:
    """Last day to answer: receipt + 90 days (c. 258F s. 3: "not later than 90 days")."""
    period = (jurisdiction or profile()).response_days
    return received_date(received_at) + timedelta(days=period)


def expedited_due(
    received_at: datetime,
    *,
    age_out_date: date | None = None,
    jurisdiction: JurisdictionProfile | None = None,
) -> date:
    """Last day to answer an expedited request: the earlier of the expedited period and
    the age-out margin, never before the day of receipt."""
    jurisdiction = jurisdiction or profile()
    received = received_date(received_at)
    candidates = [received + timedelta(days=jurisdiction.response_days)]
    if jurisdiction.expedited_days is not None:
        candidates.append(received + timedelta(days=jurisdiction.expedited_days))
    if age_out_date is not None:
        candidates.append(age_out_date - timedelta(days=jurisdiction.age_out_margin_days))
    return max(received, min(candidates))


def due_date(
    request: ClockRequest, *, jurisdiction: JurisdictionProfile | None = None
) -> date | None:
    """The date the request must be answered by (None before it is received)."""
    if request.received_at is None:
        return None
    if request.expedited:
        return expedited_due(
            request.received_at, age_out_date=request.age_out_date, jurisdiction=jurisdiction
        )
    return response_due(request.received_at, jurisdiction=jurisdiction)


def statutory_due_date(
    request: ClockRequest, *, jurisdiction: JurisdictionProfile | None = None
) -> date | None:
    """The limit the statute itself sets: the expedited due date only where the expedited
    period is statutory (CA, MN, IL); in Massachusetts always receipt + 90 days."""
    jurisdiction = jurisdiction or profile()
    if request.received_at is None:
        return None
    if request.expedited and jurisdiction.expedited_is_statutory:
        return due_date(request, jurisdiction=jurisdiction)
    return response_due(request.received_at, jurisdiction=jurisdiction)


class ClockState(StrEnum):
    NOT_STARTED = "not_started"
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ANSWERED_ON_TIME = "answered_on_time"
    ANSWERED_LATE = "answered_late"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return CLOCK_LABELS[self]


CLOCK_LABELS = {
    ClockState.NOT_STARTED: "Not received yet",
    ClockState.ON_TIME: "On time",
    ClockState.DUE_SOON: "Due soon",
    ClockState.OVERDUE: "Overdue",
    ClockState.ANSWERED_ON_TIME: "Answered on time",
    ClockState.ANSWERED_LATE: "Answered late",
    ClockState.WITHDRAWN: "Withdrawn before an answer",
}
OPEN_CLOCK_STATES = [ClockState.ON_TIME, ClockState.DUE_SOON, ClockState.OVERDUE]


@dataclass(frozen=True)
class NoticeFact:
    """A delay notice as the clock sees it: the day it was sent and the day it projects."""

    sent_on: date
    projected_on: date


@dataclass(frozen=True)
class DelayStanding:
    deadline: date  # the due date, or the projected date of the last timely notice
    first_timely_on: date | None  # the s. 3(iii) answer, when a notice came in time
    last_sent_on: date | None
    projected_on: date | None  # of the last timely notice
    late_sent_on: tuple[date, ...] = ()


def delay_standing(due: date, notices: list[NoticeFact]) -> DelayStanding:
    """c. 258F s. 3(iii): a notice sent on or before the deadline in force answers in time
    and holds the request to its projected date; a notice sent after it is late."""
    deadline, first, projected, late = due, None, None, []
    for notice in sorted(notices, key=lambda n: n.sent_on):
        if notice.sent_on <= deadline:
            first = first or notice.sent_on
            projected = notice.projected_on
            deadline = max(due, notice.projected_on)
        else:
            late.append(notice.sent_on)
    last = max((n.sent_on for n in notices), default=None)
    return DelayStanding(deadline, first, last, projected, tuple(late))


def notice_timely(due: date, earlier: list[NoticeFact], sent_on: date) -> tuple[bool, date]:
    """Whether a notice sent on ``sent_on`` after ``earlier`` ones is timely, and the
    deadline it was judged against."""
    deadline = delay_standing(due, earlier).deadline
    return sent_on <= deadline, deadline


def delay_notices_of(request: ClockRequest) -> list[NoticeFact]:
    """The request's notices: its DelayNotice rows (prefetched when a list prefetches
    ``delay_notices``; no query when none was ever sent), or, for an unsaved request, the
    single notice in its fields."""
    if request.delay_issued_at is None:
        return []
    if request.pk is None:
        if request.delay_projected_date is None:
            return []
        return [
            NoticeFact(timezone.localdate(request.delay_issued_at), request.delay_projected_date)
        ]
    return [
        NoticeFact(timezone.localdate(n.issued_at), n.projected_date)
        for n in request.delay_notices.all()
    ]


@dataclass(frozen=True)
class Clock:
    state: ClockState
    received_on: date | None
    due_on: date | None
    projected_on: date | None  # of the last timely delay notice (s. 3(iii))
    answered_on: date | None
    days_elapsed: int | None  # receipt to answer (closed) or to today (open)
    days_left: int | None  # open requests only, to the deadline; negative when overdue
    statutory_due_on: date | None = None  # differs from due_on for MA expedited requests
    deadline_on: date | None = None  # due_on, or projected_on after a timely notice
    notice_sent_on: date | None = None  # the first timely notice: the s. 3(iii) answer
    last_notice_on: date | None = None
    late_notices: tuple[date, ...] = ()  # notices sent after the deadline in force
    statutory_deadline_on: date | None = None

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def delay_text(self) -> str:
        """ "delay notice sent DATE, decision projected DATE" (and any late notice)."""
        parts = []
        if self.notice_sent_on and self.projected_on:
            parts.append(
                f"Delay notice sent {self.last_notice_on:%m/%d/%Y}, decision projected "
                f"{self.projected_on:%m/%d/%Y}"
            )
        if self.late_notices:
            parts.append(
                "late delay notice sent "
                + ", ".join(f"{d:%m/%d/%Y}" for d in self.late_notices)
                + " (after the deadline)"
            )
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]

    @property
    def answered_after_statutory_limit(self) -> bool:
        limit = self.statutory_deadline_on or self.statutory_due_on
        if self.answered_on is None or limit is None:
            return False
        return self.answered_on > limit


def answered_on(request: ClockRequest) -> date | None:
    """Local day of the agency's answer under s. 3(i) or (ii); None if not answered.

    s. 3(i) "complete and sign": the ink date of Part 6 item 2, once recorded. A request
    later reconsidered was answered by its first denial (s. 3(ii)), whatever the
    reconsideration decides.
    """
    if request.first_answered_at is not None:
        return timezone.localdate(request.first_answered_at)
    if request.status == Status.AWAITING_INK:
        return None
    if request.signed_on is not None:
        return request.signed_on
    return timezone.localdate(request.decided_at) if request.decided_at else None


def working_days_between(start: date, end: date) -> int:
    """Monday-to-Friday days after ``start`` up to and including ``end`` (0 if none)."""
    days = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


def add_working_days(start: date, days: int) -> date:
    """The day ``days`` Monday-to-Friday days after ``start`` (the inverse of
    ``working_days_between``: ``working_days_between(start, result) == days``)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def reconsideration_due(requested_at: datetime) -> date:
    """The answer to a reconsideration is due this many business days after the local day it
    was asked (``UVISA_RECONSIDERATION_BUSINESS_DAYS``; 30 in Illinois, 5 ILCS 825/11(a),
    VOICES Act)."""
    return add_working_days(
        timezone.localdate(requested_at), settings.UVISA_RECONSIDERATION_BUSINESS_DAYS
    )


INK_REMINDER_WORKING_DAYS = 3  # department policy: a decision waits no longer for the ink


def clock(
    request: ClockRequest,
    *,
    now: datetime,
    jurisdiction: JurisdictionProfile | None = None,
    notices: list[NoticeFact] | None = None,
) -> Clock:
    """Where the request stands at ``now`` against its deadline: the due date, or the
    projected date of a timely delay notice (``notices``: default, the request's own)."""

    jurisdiction = jurisdiction or profile()
    due = due_date(request, jurisdiction=jurisdiction)
    received = received_date(request.received_at) if request.received_at else None
    answered = answered_on(request)
    if received is None or due is None:
        return Clock(ClockState.NOT_STARTED, None, None, None, None, None, None)
    facts = delay_notices_of(request) if notices is None else notices
    standing = delay_standing(due, facts)
    statutory = statutory_due_date(request, jurisdiction=jurisdiction)
    base: dict[str, Any] = dict(
        received_on=received,
        due_on=due,
        projected_on=standing.projected_on,
        statutory_due_on=statutory,
        deadline_on=standing.deadline,
        notice_sent_on=standing.first_timely_on,
        last_notice_on=standing.last_sent_on,
        late_notices=standing.late_sent_on,
        statutory_deadline_on=delay_standing(statutory, facts).deadline if statutory else None,
    )
    deadline = standing.deadline
    if answered is not None:
        state = ClockState.ANSWERED_ON_TIME if answered <= deadline else ClockState.ANSWERED_LATE
        elapsed = (answered - received).days
        return Clock(state, answered_on=answered, days_elapsed=elapsed, days_left=None, **base)
    today = timezone.localdate(now)
    if request.status not in PENDING_STATES:
        return Clock(
            ClockState.WITHDRAWN, answered_on=None, days_elapsed=None, days_left=None, **base
        )
    left = (deadline - today).days
    soon = jurisdiction.expedited_due_soon_days if request.expedited else jurisdiction.due_soon_days
    if left < 0:
        state = ClockState.OVERDUE
    elif left <= soon:
        state = ClockState.DUE_SOON
    else:
        state = ClockState.ON_TIME
    return Clock(
        state, answered_on=None, days_elapsed=(today - received).days, days_left=left, **base
    )


# --- signed-form validity (Supplement B instructions) ---

EXPIRES_SOON_DAYS = 30


class ValidityState(StrEnum):
    VALID = "valid"
    EXPIRES_SOON = "expires_soon"
    EXPIRED = "expired"


def add_months(day: date, months: int) -> tuple[date, bool]:
    """The same day ``months`` later, clamped to the month's end; and whether it was clamped."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last)), day.day > last


def filing_valid_until(signed_on: date) -> date:
    """Last day a signed Supplement B can be filed with USCIS.

    The day before the six-month anniversary; when the anniversary day does not exist in
    that month, the month's last day (Supplement B instructions: 04/01 -> 09/30, 08/31 -> 02/28).
    """
    anniversary, clamped = add_months(signed_on, 6)
    return anniversary if clamped else anniversary - timedelta(days=1)


def valid_until(form_type: str, signed_on: date | None) -> date | None:
    """The last filing day of the request's signed form, or None when it has none.

    A U-visa certification (Form I-918 Supplement B) can be filed for six months from the ink
    date (8 CFR 214.14(c)(2)(i)). A T-visa declaration (Form I-914 Supplement B) has no such
    period: it is optional evidence that USCIS weighs (8 CFR 214.204), so it never expires here.
    """
    if signed_on is None or form_type == FormType.T_VISA:
        return None
    return filing_valid_until(signed_on)


def validity(signed_on: date, *, now: datetime) -> ValidityState:
    """Valid, expiring within 30 days (Supplement B instructions: warn well before), or expired."""
    last_day = filing_valid_until(signed_on)
    today = timezone.localdate(now)
    if today > last_day:
        return ValidityState.EXPIRED
    if today >= last_day - timedelta(days=EXPIRES_SOON_DAYS):
        return ValidityState.EXPIRES_SOON
    return ValidityState.VALID


def recertification_due(form_type: str, signed_on: date | None, *, now: datetime) -> bool:
    """Time to ask for a fresh signature: the six-month filing period of a signed U
    certification (8 CFR 214.14(c)(2)(i)) ends within 30 days or has ended. A T declaration
    has no filing period (8 CFR 214.204), so it is never re-certified for that reason."""
    if signed_on is None or valid_until(form_type, signed_on) is None:
        return False
    return validity(signed_on, now=now) != ValidityState.VALID
