"""Six-month reporting periods (Sec. 50-105), anchored on a setting.

``UVISA_FEDERAL_REPORT_ANCHOR`` is a month and day ("MM-DD", default "01-01"): periods
start on that day and six months later (January 1 and July 1 by default). The day must be
1-28 so that every month has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_ANCHOR = "01-01"


def anchor() -> tuple[int, int]:
    text = getattr(settings, "UVISA_FEDERAL_REPORT_ANCHOR", DEFAULT_ANCHOR) or DEFAULT_ANCHOR
    try:
        month_text, day_text = text.split("-")
        month, day = int(month_text), int(day_text)
    except ValueError as exc:
        raise ImproperlyConfigured("UVISA_FEDERAL_REPORT_ANCHOR must be MM-DD.") from exc
    if not (1 <= month <= 12 and 1 <= day <= 28):
        raise ImproperlyConfigured("UVISA_FEDERAL_REPORT_ANCHOR: month 1-12, day 1-28.")
    return month, day


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, day.day)


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # the first day after the period

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{long_date(self.start)} to {long_date(self.last_day)}"

    @property
    def slug(self) -> str:
        return self.start.isoformat()

    def previous(self) -> Period:
        return Period(_add_months(self.start, -6), self.start)

    def next(self) -> Period:
        return Period(self.end, _add_months(self.end, 6))


def period_containing(day: date) -> Period:
    month, dom = anchor()
    starts = [
        _add_months(date(year, month, dom), shift)
        for year in (day.year - 1, day.year, day.year + 1)
        for shift in (0, 6)
    ]
    start = max(s for s in starts if s <= day)
    return Period(start, _add_months(start, 6))


def period_starting(day: date) -> Period | None:
    """The period that starts on ``day``, or None when no period starts then."""
    period = period_containing(day)
    return period if period.start == day else None


def recent_periods(today: date, *, since: date | None, limit: int = 12) -> list[Period]:
    """The current period and the earlier ones back to ``since`` (newest first)."""
    period = period_containing(today)
    found = [period]
    while len(found) < limit and since is not None and period.start > since:
        period = period.previous()
        found.append(period)
    if len(found) == 1 and len(found) < limit:
        found.append(period.previous())  # the report due now is the one just ended
    return found
