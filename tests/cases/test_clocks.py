"""The c. 258F s. 3 answer clock and the six-month filing validity (Supplement B instructions)."""

from __future__ import annotations

from datetime import date

import pytest

from cases import clocks
from tests.conftest import at


@pytest.mark.parametrize(
    "received, due",
    [
        ("2026-01-15 09:00", date(2026, 4, 15)),
        ("2026-11-30 16:59", date(2027, 2, 28)),
        ("2027-12-01 08:00", date(2028, 2, 29)),  # leap year
        ("2026-03-07 23:30", date(2026, 6, 5)),  # the evening before the DST change
    ],
)
def test_answer_is_due_90_days_after_receipt(received, due):
    assert clocks.response_due(at(received)) == due


def test_receipt_day_is_the_agency_local_day(settings):
    # 02:30 UTC on Jan 16 is still Jan 15 in Medford.
    from datetime import UTC, datetime

    received = datetime(2026, 1, 16, 2, 30, tzinfo=UTC)
    assert clocks.response_due(received) == date(2026, 4, 15)


@pytest.mark.parametrize(
    "signed, last_day",
    [
        (date(2026, 8, 31), date(2027, 2, 28)),  # Supplement B instructions: 08/31 -> 02/28
        (date(2026, 4, 1), date(2026, 9, 30)),  # Supplement B instructions: 04/01 -> 09/30
        (date(2027, 8, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 3, 1), date(2026, 8, 31)),
        (date(2026, 7, 15), date(2027, 1, 14)),
        (date(2026, 12, 31), date(2027, 6, 30)),
    ],
)
def test_signed_form_is_valid_until_the_day_before_six_months(signed, last_day):
    assert clocks.filing_valid_until(signed) == last_day
