"""The M.G.L. c. 258F s. 4 annual report, and what a department wants beside it.

s. 4(a): by February 1 each year, the number of individuals who requested certification,
the number of forms completed and signed, and the number of requests denied, with no
personal identifying information (domain.md 3). Beside those: withdrawn, pending at the
end of the year, answered late (against the due date, domain.md 4 "late vs. statutory
deadline"), median and 90th-percentile days to answer, requests by federal crime category,
denials by policy reason, expedited requests.

Counting rules (calendar year, the agency's time zone):
- requested: requests received in the year (one request is one individual);
- signed / denied: answers given in the year (``decided_at``), whatever year they came in;
  a certification later withdrawn was still signed;
- withdrawn: withdrawn by the requester in the year;
- pending: received by the end of the year (or today, for the current year) and neither
  answered nor withdrawn by then.

The report reads only the columns listed in ``REPORT_FIELDS``: no name, date of birth,
A-Number, address or report number ever enters this module. The public version shows any
count from 1 to 4 as "<5" and leaves out the charts, whose bars would give small counts away.

One chart builder (reportlab graphics) feeds both the web page (as inline SVG) and the PDF.
"""

from __future__ import annotations

import csv
import io
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cases import clocks
from cases.models import (
    CertificationRequest,
    DeclineReason,
    ExpeditedReason,
    QualifyingCrimeCategory,
    Status,
)

FIRST_YEAR = 2021  # c. 258F took effect July 1, 2021 (domain.md 3)
SUPPRESS_BELOW = 5
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAY_BINS = [(0, 30), (31, 60), (61, 90), (91, 120), (121, None)]
REPORT_FIELDS = [
    "pk",
    "status",
    "received_at",
    "decided_at",
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


def build_annual_report(year: int, *, now: datetime, agency: str = "") -> AnnualReport:
    """Two queries: the requests (report columns only) and the category counts."""
    start, end = year_bounds(year)
    as_of_time = min(end, now)
    jurisdiction = clocks.profile()
    rows = list(
        CertificationRequest.objects.only(*REPORT_FIELDS)
        .filter(received_at__lt=end)
        .exclude(decided_at__lt=start)
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

    received = [r for r in rows if in_year(r.received_at)]
    answers = [r for r in rows if in_year(r.decided_at)]
    signed = [r for r in answers if r.status in SIGNED_STATES]
    denied = [r for r in answers if r.status == Status.DECLINED]
    days = [
        (timezone.localdate(r.decided_at) - timezone.localdate(r.received_at)).days for r in answers
    ]
    answer_clocks = [clocks.clock(r, now=now, jurisdiction=jurisdiction) for r in answers]
    late = [c for c in answer_clocks if c.state == clocks.ClockState.ANSWERED_LATE]
    late_statutory = [c for c in answer_clocks if c.answered_after_statutory_limit]
    pending = [
        r
        for r in rows
        if r.received_at < as_of_time
        and (r.decided_at is None or r.decided_at >= as_of_time)
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


# --- charts (reportlab graphics: the same drawing in the page and in the PDF) ---

CHART_COLOR = colors.HexColor("#005ea2")


def _bar_chart(title: str, labels: list[str], values: list[int]) -> Chart:
    drawing = Drawing(460, 220)
    drawing.add(
        String(230, 204, title, fontName="Helvetica-Bold", fontSize=11, textAnchor="middle")
    )
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 45, 40, 395, 150
    chart.data = [values]
    chart.bars[0].fillColor = CHART_COLOR
    chart.bars[0].strokeColor = None
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(4, max(values, default=0) + 1)
    chart.valueAxis.valueStep = max(1, math.ceil(chart.valueAxis.valueMax / 5))
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 8
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = "Helvetica"
    chart.barLabels.fontSize = 8
    chart.barLabels.nudge = 6
    drawing.add(chart)
    return Chart(title, drawing)


@dataclass(frozen=True)
class Chart:
    title: str
    drawing: Drawing


def charts(report: AnnualReport) -> list[Chart]:
    return [
        _bar_chart(f"Requests received per month, {report.year}", MONTHS, report.per_month),
        _bar_chart(
            "Days from receipt to answer",
            [bin_label(b) for b in DAY_BINS],
            report.day_bins,
        ),
        _bar_chart(
            "Outcomes",
            ["Signed", "Denied", "Withdrawn", "Pending"],
            [report.signed, report.denied, report.withdrawn, report.pending],
        ),
    ]


def chart_svg(chart: Chart, *, index: int) -> str:
    """Inline SVG for the page: no XML prolog, unique ids, an accessible title, no styles.

    The drawing holds numbers and fixed labels only (months, day ranges, outcomes), so the
    result is safe to mark as HTML.
    """
    svg = renderSVG.drawToString(chart.drawing)
    svg = svg[svg.index("<svg") :]
    svg = svg.replace('id="clip"', f'id="chart{index}-clip"').replace(
        "url(#clip)", f"url(#chart{index}-clip)"
    )
    svg = svg.replace('id="group"', f'id="chart{index}-group"')
    title = chart.title.replace("&", "&amp;").replace("<", "&lt;")
    svg = re.sub(r"<title>.*?</title>", f"<title>{title}</title>", svg, count=1, flags=re.S)
    svg = re.sub(r"<desc>.*?</desc>\s*", "", svg, count=1, flags=re.S)
    # Presentation attributes instead of style="": a CSP without 'unsafe-inline' styles
    # still draws the chart.
    svg = re.sub(r'style="([^"]*)"', _style_to_attributes, svg)
    if "<script" in svg or "style=" in svg:
        raise ValueError("Unexpected content in a chart.")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def _style_to_attributes(match: re.Match[str]) -> str:
    attributes = []
    for declaration in match.group(1).split(";"):
        if ":" not in declaration:
            continue
        name, value = (part.strip() for part in declaration.split(":", 1))
        if name == "font-family":
            if value.endswith("-Bold"):
                attributes.append('font-weight="bold"')
                value = value.removesuffix("-Bold")
            value = f"{value}, Arial, sans-serif"
        attributes.append(f'{name}="{value}"')
    return " ".join(attributes)


# --- outputs ---


def _title(report: AnnualReport, *, public: bool) -> str:
    version = "public version" if public else "internal version"
    who = f"{report.agency}: " if report.agency else ""
    return f"{who}U and T visa certification requests, {report.year} ({version})"


def to_csv(report: AnnualReport, *, public: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "item", "value"])
    for section in report.sections():
        for line in section.lines:
            writer.writerow([section.title, line.label, shown(line, public=public)])
    return out.getvalue()


def to_pdf(report: AnnualReport, *, public: bool) -> bytes:
    buffer = io.BytesIO()
    title = _title(report, public=public)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        title=title,
        author=report.agency or "U-visa certification tracker",
        subject="M.G.L. c. 258F s. 4 annual report",
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
        topMargin=0.8 * inch,
        bottomMargin=0.8 * inch,
    )
    styles = getSampleStyleSheet()
    story: list[Any] = [
        Paragraph(title.replace("&", "&amp;"), styles["Title"]),
        Paragraph(
            f"Calendar year {report.year}, figures as of {report.as_of:%m/%d/%Y}; generated "
            f"{timezone.localtime(report.generated_at):%m/%d/%Y %H:%M}. Due date: "
            f"{report.jurisdiction.response_days} days after receipt "
            f"({report.jurisdiction.source}); expedited requests "
            f"{report.jurisdiction.expedited_days} days "
            f"({report.jurisdiction.expedited_source}). No personal identifying information."
            + (" Counts from 1 to 4 are shown as &lt;5." if public else ""),
            styles["Normal"],
        ),
        Spacer(1, 12),
    ]
    for number, section in enumerate(report.sections()):
        if number == 2 and not public:  # charts after the s. 4 figures, as on the web page
            for chart in charts(report):
                story += [chart.drawing, Spacer(1, 12)]
        data = [[section.title, ""]] + [
            [
                Paragraph(line.label.replace("&", "&amp;"), styles["Normal"]),
                shown(line, public=public),
            ]
            for line in section.lines
        ]
        table = Table(data, colWidths=[5.2 * inch, 1.4 * inch], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                    ("SPAN", (0, 0), (-1, 0)),
                    ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (1, 1), (1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story += [table, Spacer(1, 12)]
    doc.build(story)
    return buffer.getvalue()


# --- the home-page tile: open requests by clock state ---


def open_requests_by_clock(*, now: datetime) -> list[tuple[str, str, int]]:
    """The tile's counts, reused while nothing changed or for up to a minute (issue 7).

    Counting a hundred thousand pending requests takes PostgreSQL about 0.1 s, too much
    for every home page. The counts are kept while no CaseEvent was added; after a change
    they are recounted once they are a minute old (so under constant writes, once a
    minute per server), and every new day.
    """
    from django.core.cache import cache

    from cases.models import CaseEvent

    marker = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    key = f"clock-tile:v1:{timezone.localdate(now)}"
    cached = cache.get(key)
    if cached is not None:
        cached_marker, counted_at, counts = cached
        if cached_marker == marker or (now - counted_at).total_seconds() < TILE_MAX_AGE_SECONDS:
            return counts
    counts = count_open_requests_by_clock(now=now)
    cache.set(key, (marker, now, counts), 24 * 3600)
    return counts


TILE_MAX_AGE_SECONDS = 60


def count_open_requests_by_clock(*, now: datetime) -> list[tuple[str, str, int]]:
    """(state, label, count) for every pending request, in one aggregate query.

    The database counts by the stored due date (set at receipt and on expedited edits, the
    same date ``clocks.clock`` judges), so the cost does not grow with the rows loaded into
    Python (issue 7). ``tests/test_performance.py`` checks it against ``clocks.clock``.
    """
    from django.db.models import Q

    from cases.models import PENDING_STATES

    jurisdiction = clocks.profile()
    today = timezone.localdate(now)
    soon = today + timedelta(days=jurisdiction.due_soon_days)
    soon_expedited = today + timedelta(days=jurisdiction.expedited_due_soon_days)
    due_soon = Q(due_on__gte=today) & (
        Q(expedited=False, due_on__lte=soon) | Q(expedited=True, due_on__lte=soon_expedited)
    )
    totals = CertificationRequest.objects.filter(
        status__in=PENDING_STATES, received_at__isnull=False
    ).aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        due_soon=Count("pk", filter=due_soon),
        on_time=Count("pk", filter=Q(due_on__gte=today) & ~due_soon),
    )
    counts = {
        clocks.ClockState.OVERDUE: totals["overdue"],
        clocks.ClockState.DUE_SOON: totals["due_soon"],
        clocks.ClockState.ON_TIME: totals["on_time"],
    }
    return [(state.value, state.label, counts.get(state, 0)) for state in clocks.OPEN_CLOCK_STATES]


# --- issue 7: the report is built once per change, not once per page view ---

REPORT_CACHE_SECONDS = 24 * 3600
REPORT_MAX_AGE_SECONDS = 300


def cached_annual_report(year: int, *, now: datetime, agency: str = "") -> AnnualReport:
    """``build_annual_report``, reused while nothing changed, or for up to five minutes.

    Every change a report counts (submit, decisions, withdrawals, edits of the expedited
    track) is a service call that appends a CaseEvent, so the newest event's id tells
    whether anything changed. Building the report for a million requests takes seconds
    (docs/performance.md), so under constant writes it is rebuilt at most every five
    minutes per server; when nothing changed it stays exact. A new day starts afresh.
    """
    import hashlib

    from django.core.cache import cache

    from cases.models import CaseEvent

    marker = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    tag = hashlib.sha256(agency.encode()).hexdigest()[:12]
    key = f"annual-report:v2:{year}:{tag}:{timezone.localdate(now)}"
    cached = cache.get(key)
    if cached is not None:
        cached_marker, built_at, report = cached
        age = (now - built_at).total_seconds()
        if cached_marker == marker or 0 <= age < REPORT_MAX_AGE_SECONDS:
            return report
    report = build_annual_report(year, now=now, agency=agency)
    report.cache_key = f"{key}:{marker}"
    cache.set(key, (marker, now, report), REPORT_CACHE_SECONDS)
    return report


def cached_chart_svgs(report: AnnualReport) -> list[tuple[str, str]]:
    """(title, SVG) of the report's charts; drawn once per cached report (issue 7)."""
    from django.core.cache import cache

    key = getattr(report, "cache_key", None)  # one report build, one set of charts
    svgs = cache.get(f"{key}:charts") if key else None
    if svgs is None:
        svgs = [
            (chart.title, chart_svg(chart, index=index))
            for index, chart in enumerate(charts(report))
        ]
        if key:
            cache.set(f"{key}:charts", svgs, REPORT_CACHE_SECONDS)
    return svgs
