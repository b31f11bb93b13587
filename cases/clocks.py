"""Statutory clocks: pure functions of dates and an explicit ``now``.

- The answer is due 90 days after the request is received (M.G.L. c. 258F s. 3).
- A signed Supplement B may be filed for six months (8 CFR 214.14(c)(2)(i); domain.md 1.4).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class JurisdictionProfile:
    code: str
    name: str
    response_days: int
    expedited_days: int | None
    source: str


PROFILES: dict[str, JurisdictionProfile] = {
    "MA": JurisdictionProfile("MA", "Massachusetts", 90, None, "M.G.L. c. 258F s. 3"),
}


def profile(code: str | None = None) -> JurisdictionProfile:
    from django.conf import settings

    return PROFILES[code or settings.UVISA_JURISDICTION]


def received_date(received_at: datetime) -> date:
    """The calendar day of receipt in the agency's time zone."""
    return timezone.localdate(received_at)


def response_due(received_at: datetime, *, jurisdiction: JurisdictionProfile | None = None) -> date:
    """Last day to answer: receipt + 90 days (c. 258F s. 3: "not later than 90 days")."""
    period = (jurisdiction or profile()).response_days
    return received_date(received_at) + timedelta(days=period)


def add_months(day: date, months: int) -> tuple[date, bool]:
    """The same day ``months`` later, clamped to the month's end; and whether it was clamped."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last)), day.day > last


def filing_valid_until(signed_on: date) -> date:
    """Last day a signed Supplement B can be filed with USCIS.

    The day before the six-month anniversary; when the anniversary day does not exist in
    that month, the month's last day (domain.md 1.4: 04/01 -> 09/30, 08/31 -> 02/28).
    """
    anniversary, clamped = add_months(signed_on, 6)
    return anniversary if clamped else anniversary - timedelta(days=1)
