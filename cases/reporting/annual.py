"""The M.G.L. c. 258F s. 4 annual report, and what a department wants beside it.

s. 4(a): by February 1 each year, the number of individuals who requested certification,
the number of forms completed and signed, and the number of requests denied, with no
personal identifying information (c. 258F s. 4). Beside those: withdrawn, pending at the
end of the year, answered late (against the due date, not only the statutory
deadline), median and 90th-percentile days to answer, requests by federal crime category,
denials by policy reason, expedited requests.

Counting rules (calendar year, the agency's time zone):
- requested: requests received in the year (one request is one individual);
- signed / denied: answers given in the year, whatever year they came in: a denial on the
  day of ``decided_at``, a certification on its ink date (``signed_on``: completed and signed,
  s. 3(i)); a decision still awaiting the ink signature is pending; a certification later
  withdrawn was still signed;
- withdrawn: withdrawn by the requester in the year;
- pending: received by the end of the year (or today, for the current year) and neither
  answered nor withdrawn by then.

The report reads only the columns listed in ``REPORT_FIELDS``: no name, date of birth,
A-Number, address or report number ever enters this module. The public version shows any
count from 1 to 4 as "<5" and leaves out the charts, whose bars would give small counts away.

One chart builder (reportlab graphics) feeds both the web page (as inline SVG) and the PDF.
"""

from __future__ import annotations

import math
import statistics
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils import timezone

from cases import clocks
from cases.models import (
    CertificationRequest,
    DeclineReason,
    ExpeditedReason,
    QualifyingCrimeCategory,
    Status,
)
from cases.page_cache import cached_value

FIRST_YEAR = 2021  # c. 258F took effect July 1, 2021


SUPPRESS_BELOW = 5


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


DAY_BINS = [(0, 30), (31, 60), (61, 90), (91, 120), (121, None)]


REPORT_FIELDS = [
    "pk",
    "status",
    "received_at",
    "decided_at",
    "signed_on",
    "withdrawn_at",
    "delay_issued_at",
    "delay_projected_date",
    "expedited",
    "expedited_reason",
    "age_out_date",
    "decline_reason",
]


SIGNED_STATES = [Status.CERTIFIED, Status.CERTIFICATION_WITHDRAWN]


@dataclass
class Line:
    label: str
    value: int | float | None
    count: bool = True  # counts are suppressed under 5 in the public version


@dataclass
class Section:
    title: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class AnnualReport:
    year: int
    agency: str
    jurisdiction: clocks.JurisdictionProfile
    as_of: date
    generated_at: datetime
    requested: int
    signed: int
    denied: int
    withdrawn: int
    pending: int
    answered: int
    answered_late: int
    answered_late_statutory: int
    delay_notices: int
    median_days: float | None
    p90_days: int | None
    per_month: list[int]
    day_bins: list[int]
    by_category: list[tuple[str, int]]
    by_decline_reason: list[tuple[str, int]]
    expedited: int
    by_expedited_reason: list[tuple[str, int]]

    def sections(self) -> list[Section]:
        return [
            Section(
                "M.G.L. c. 258F s. 4(a)",
                [
                    Line("Individuals who requested certification", self.requested),
                    Line("Forms completed and signed", self.signed),
                    Line("Requests denied", self.denied),
                ],
            ),
            Section(
                "Outcomes and timeliness",
                [
                    Line("Withdrawn by the requester", self.withdrawn),
                    Line(f"Pending on {self.as_of:%m/%d/%Y}", self.pending),
                    Line("Answered (signed or denied)", self.answered),
                    Line("Answered after the due date", self.answered_late),
                    Line(
                        f"Answered after the statutory limit ({self.jurisdiction.source})",
                        self.answered_late_statutory,
                    ),
                    Line("Delay notices issued (s. 3(iii))", self.delay_notices),
                    Line("Median days from receipt to answer", self.median_days, count=False),
                    Line("90th percentile days from receipt to answer", self.p90_days, count=False),
                ],
            ),
            Section(
                "Requests received by federal crime category",
                [Line(name, n) for name, n in self.by_category]
                or [Line("No categories recorded", None, count=False)],
            ),
            Section(
                "Denials by policy reason",
                [Line(name, n) for name, n in self.by_decline_reason]
                or [Line("No denials", None, count=False)],
            ),
            Section(
                "Expedited requests received",
                [Line("Expedited track", self.expedited)]
                + [Line(f"Reason: {name}", n) for name, n in self.by_expedited_reason],
            ),
            Section(
                "Requests received per month",
                [Line(m, n) for m, n in zip(MONTHS, self.per_month, strict=True)],
            ),
            Section(
                "Days from receipt to answer (answers given in the year)",
                [Line(bin_label(b), n) for b, n in zip(DAY_BINS, self.day_bins, strict=True)],
            ),
        ]


def bin_label(bounds: tuple[int, int | None]) -> str:
    low, high = bounds
    return f"{low}-{high} days" if high is not None else f"over {low - 1} days"


def shown(line: Line, *, public: bool) -> str:
    """The cell text: "<5" for small counts in the public version."""
    if line.value is None:
        return ""
    if line.count and public and 0 < int(line.value) < SUPPRESS_BELOW:
        return f"<{SUPPRESS_BELOW}"
    if isinstance(line.value, float):
        return f"{line.value:g}"
    return str(line.value)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(date(year, 1, 1), time.min, tzinfo=tz)
    end = datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=tz)
    return start, end


def percentile(values: list[int], pct: int) -> int | None:
    """Nearest-rank percentile (no interpolation: every result is a real request's value)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _answer_moment(request: CertificationRequest) -> datetime | None:
    """When the request was answered (clocks.answered_on): the decision time when that is the
    answer day, otherwise the start of the ink day; None while unanswered."""
    day = clocks.answered_on(request)
    if day is None:
        return None
    if request.decided_at is not None and timezone.localdate(request.decided_at) == day:
        return request.decided_at
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def build_annual_report(year: int, *, now: datetime, agency: str = "") -> AnnualReport:
    """Two queries: the requests (report columns only) and the category counts."""
    start, end = year_bounds(year)
    as_of_time = min(end, now)
    jurisdiction = clocks.profile()
    rows = list(
        CertificationRequest.objects.only(*REPORT_FIELDS)
        .filter(received_at__lt=end)
        # Answered before the year: a denial before it, or an ink date before it.
        .exclude(
            Q(decided_at__lt=start) & (Q(signed_on__isnull=True) | Q(signed_on__lt=start.date()))
        )
        .exclude(withdrawn_at__lt=start)
        .order_by("pk")
    )
    categories = list(
        QualifyingCrimeCategory.objects.filter(
            requests__received_at__gte=start, requests__received_at__lt=end
        )
        .annotate(n=Count("requests"))  # filtered before annotating: counts this year only
        .order_by("form_order")
        .values_list("name", "n")
    )

    def in_year(moment: datetime | None) -> bool:
        return moment is not None and start <= moment < end

    answered_at = {r.pk: _answer_moment(r) for r in rows}
    received = [r for r in rows if in_year(r.received_at)]
    answers = [r for r in rows if in_year(answered_at[r.pk])]
    signed = [r for r in answers if r.status in SIGNED_STATES]
    denied = [r for r in answers if r.status == Status.DECLINED]
    days = [
        (timezone.localdate(answered_at[r.pk]) - timezone.localdate(r.received_at)).days
        for r in answers
    ]
    answer_clocks = [clocks.clock(r, now=now, jurisdiction=jurisdiction) for r in answers]
    late = [c for c in answer_clocks if c.state == clocks.ClockState.ANSWERED_LATE]
    late_statutory = [c for c in answer_clocks if c.answered_after_statutory_limit]
    pending = [
        r
        for r in rows
        if r.received_at < as_of_time
        and (answered_at[r.pk] is None or answered_at[r.pk] >= as_of_time)
        and (r.withdrawn_at is None or r.withdrawn_at >= as_of_time)
    ]
    per_month = Counter(timezone.localtime(r.received_at).month for r in received)
    bins = [
        sum(1 for d in days if low <= d and (high is None or d <= high)) for low, high in DAY_BINS
    ]
    reasons = Counter(r.decline_reason for r in denied)
    decline_labels = dict(DeclineReason.choices)
    expedited = [r for r in received if r.expedited]
    expedited_reasons = Counter(r.expedited_reason for r in expedited if r.expedited_reason)
    expedited_labels = dict(ExpeditedReason.choices)
    return AnnualReport(
        year=year,
        agency=agency,
        jurisdiction=jurisdiction,
        as_of=timezone.localdate(as_of_time) if as_of_time < end else date(year, 12, 31),
        generated_at=now,
        requested=len(received),
        signed=len(signed),
        denied=len(denied),
        withdrawn=sum(1 for r in rows if in_year(r.withdrawn_at)),
        pending=len(pending),
        answered=len(answers),
        answered_late=len(late),
        answered_late_statutory=len(late_statutory),
        delay_notices=sum(1 for r in rows if in_year(r.delay_issued_at)),
        median_days=statistics.median(days) if days else None,
        p90_days=percentile(days, 90),
        per_month=[per_month.get(m, 0) for m in range(1, 13)],
        day_bins=bins,
        by_category=categories,
        by_decline_reason=[
            (decline_labels.get(code, code or "No reason recorded"), n)
            for code, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        expedited=len(expedited),
        by_expedited_reason=[
            (expedited_labels.get(code, code), n) for code, n in sorted(expedited_reasons.items())
        ],
    )


REPORT_CACHE_SECONDS = 24 * 3600


REPORT_MAX_AGE_SECONDS = 300


def cached_annual_report(year: int, *, now: datetime, agency: str = "") -> AnnualReport:
    """``build_annual_report``, reused while nothing changed, or for up to five minutes.

    Building the report for a million requests takes seconds (docs/performance.md), so under
    constant writes it is rebuilt at most every five minutes per server; when nothing changed
    it is exact (cases/page_cache.py states the rule). A new day starts afresh.
    """
    name = f"annual-report:v3:{year}:{agency}:{timezone.localdate(now)}"

    def build() -> AnnualReport:
        report = build_annual_report(year, now=now, agency=agency)
        report.cache_key = f"annual-report-build:{uuid.uuid4().hex}"  # charts: once per build
        return report

    return cached_value(name, build, now=now, max_stale_seconds=REPORT_MAX_AGE_SECONDS)
