"""The home page's tile: open requests counted by where their c. 258F clock stands."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases import clocks
from cases.models import (
    PENDING_STATES,
    CertificationRequest,
)
from cases.page_cache import cached_value


def open_requests_by_clock(*, now: datetime) -> list[tuple[str, str, int]]:
    """The tile's counts, reused while nothing changed or for up to a minute.

    Counting a hundred thousand pending requests takes PostgreSQL about 0.1 s, too much for
    every home page. After a change the counts are recounted once they are a minute old (so
    under constant writes, once a minute per server), and every new day
    (cases/page_cache.py states the rule).
    """
    return cached_value(
        f"clock-tile:v2:{timezone.localdate(now)}",
        lambda: count_open_requests_by_clock(now=now),
        now=now,
        max_stale_seconds=TILE_MAX_AGE_SECONDS,
    )


TILE_MAX_AGE_SECONDS = 60


def count_open_requests_by_clock(*, now: datetime) -> list[tuple[str, str, int]]:
    """(state, label, count) for every pending request, in one aggregate query.

    The database counts by the stored due date (set at receipt and on expedited edits, the
    same date ``clocks.clock`` judges), so the cost does not grow with the rows loaded into
    Python. ``tests/cases/test_performance.py`` checks it against ``clocks.clock``.
    """

    jurisdiction = clocks.profile()
    today = timezone.localdate(now)
    soon = today + timedelta(days=jurisdiction.due_soon_days)
    soon_expedited = today + timedelta(days=jurisdiction.expedited_due_soon_days)
    due_soon = Q(deadline__gte=today) & (
        Q(expedited=False, deadline__lte=soon) | Q(expedited=True, deadline__lte=soon_expedited)
    )
    # The deadline in force: the projected date of a timely delay notice (c. 258F s. 3(iii)),
    # otherwise the due date.
    totals = (
        CertificationRequest.objects.filter(status__in=PENDING_STATES, received_at__isnull=False)
        # A reconsidered request was answered by its first denial (clocks.answered_on): its
        # granted form awaiting the ink is no longer on the 90-day clock.
        .filter(first_answered_at__isnull=True)
        .annotate(deadline=Coalesce("delay_deadline", "due_on"))
        .aggregate(
            overdue=Count("pk", filter=Q(deadline__lt=today)),
            due_soon=Count("pk", filter=due_soon),
            on_time=Count("pk", filter=Q(deadline__gte=today) & ~due_soon),
        )
    )
    counts = {
        clocks.ClockState.OVERDUE: totals["overdue"],
        clocks.ClockState.DUE_SOON: totals["due_soon"],
        clocks.ClockState.ON_TIME: totals["on_time"],
    }
    return [(state.value, state.label, counts.get(state, 0)) for state in clocks.OPEN_CLOCK_STATES]
