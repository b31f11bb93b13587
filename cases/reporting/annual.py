"""The M.G.L. c. 258F s. 4 annual report, and what a department wants beside it.

s. 4(a): by February 1 each year, the number of individuals who requested certification,
the number of forms completed and signed, and the number of requests denied, with no
personal identifying information (c. 258F s. 4). Individuals are counted once however many
requests they made: requests are the same person when they share the keyed digest of the
normalised name and date of birth, or of the A-Number, or one re-certifies the other. The
report reads the digests only, never a name. Each figure is given for U (I-918B) and T
(I-914B) requests separately and together, with the requests beside the individuals.
Beside those: withdrawn, pending at the end of the year, answered late (against the due
date, not only the statutory deadline), median and 90th-percentile days to answer,
requests by federal crime category, denials by policy reason, expedited requests.

Counting rules (calendar year, the agency's time zone):
- requested: requests received in the year, and the individuals who made them;
- signed / denied: answers given in the year, whatever year they came in: a denial on the
  day of ``decided_at``, a certification on its ink date (``signed_on``: completed and signed,
  s. 3(i)); a decision still awaiting the ink signature is pending; a certification later
  withdrawn was still signed;
- withdrawn: withdrawn by the requester in the year;
- pending: received by the end of the year (or today, for the current year) and neither
  answered nor withdrawn by then.

- answers by kind (c. 258F s. 3): signed (i), denied (ii), a timely delay notice (iii) as
  the first answer; late: final answers after the deadline in force, notices after it.

The report reads only the columns listed in ``REPORT_FIELDS``: no name, date of birth,
A-Number, address or report number ever enters this module. The public version is the s. 4
table and the answers, with counts from 1 to 4 shown as "<5" and complementary suppression
(cases/lib/suppression.py) so no hidden count can be worked out from the others; it leaves
out the breakdowns and the charts.

One chart builder (reportlab graphics) feeds both the web page (as inline SVG) and the PDF.
"""

from __future__ import annotations

import math
import statistics
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from cases import clocks
from cases.lib import suppression
from cases.models import (
    CertificationRequest,
    DeclineReason,
    DelayNotice,
    ExpeditedReason,
    FormType,
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
    "form_type",
    "person_digest",
    "a_number_digest",
    "recertification_of",
]

# The s. 4 table: (key, label, what it counts), each for U, T and both together.
S4_METRICS = [
    ("individuals_requested", "Individuals who requested certification", "individuals"),
    ("requests_received", "Requests received", "requests"),
    ("individuals_signed", "Individuals whose forms were completed and signed", "individuals"),
    ("forms_signed", "Forms completed and signed", "requests"),
    ("individuals_denied", "Individuals denied", "individuals"),
    ("requests_denied", "Requests denied", "requests"),
]
# Signing (s. 3(i)) and denial (s. 3(ii)) are the s. 4 table's signed and denied; not repeated,
# since a reader who knows two cells are equal could read a suppressed one off the other.
ANSWER_METRICS = [
    ("answer_timely_notice", "First answered by a timely delay notice (s. 3(iii))"),
    ("late_final_answers", "Final answers after the deadline in force"),
    ("late_notices", "Delay notices sent after the deadline (late)"),
]
GROUPS = [("U", "U visa (I-918B)"), ("T", "T visa (I-914B)"), ("all", "U and T together")]
# Individuals per counted request kind: an individual counted needs a request counted.
INDIVIDUAL_OF = {
    "individuals_requested": "requests_received",
    "individuals_signed": "forms_signed",
    "individuals_denied": "requests_denied",
}


SIGNED_STATES = [Status.CERTIFIED, Status.CERTIFICATION_WITHDRAWN]


@dataclass
class Line:
    label: str
    value: int | float | None
    count: bool = True  # counts are suppressed under 5 in the public version
    key: str = ""  # a cell of the s. 4 table (complementary suppression)


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
    # "<metric>:<U|T|all>" -> count, the s. 4 table and the answers by kind
    cells: dict[str, int] = field(default_factory=dict)
    timely_notices: int = 0
    late_notices: int = 0

    def s4_sections(self) -> list[Section]:
        """The s. 4(a) table and the answers by kind, for U, T and both: the public part."""
        out = []
        for group, title in GROUPS:
            lines = [
                Line(label, self.cells[f"{key}:{group}"], key=f"{key}:{group}")
                for key, label, _kind in S4_METRICS
            ]
            out.append(Section(f"M.G.L. c. 258F s. 4(a): {title}", lines))
        for group, title in GROUPS:
            lines = [
                Line(label, self.cells[f"{key}:{group}"], key=f"{key}:{group}")
                for key, label in ANSWER_METRICS
            ]
            out.append(
                Section(
                    f"Other answers and late answers (c. 258F s. 3; signed and denied above): "
                    f"{title}",
                    lines,
                )
            )
        return out

    def sections(self) -> list[Section]:
        return [
            *self.s4_sections(),
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
                    Line("  of which sent by the deadline in force", self.timely_notices),
                    Line("  of which sent after it (late)", self.late_notices),
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


def relations() -> list[suppression.Relation]:
    """What a reader knows ties the public cells together: U + T = together for request
    counts; an individual counted needs a request counted; individuals together are at
    least those of U or of T and at most both added."""
    rels: list[suppression.Relation] = []
    request_keys = [k for k, _l, kind in S4_METRICS if kind == "requests"]
    request_keys += [k for k, _l in ANSWER_METRICS]
    for key in request_keys:
        rels.append(suppression.total(f"{key}:all", [f"{key}:U", f"{key}:T"]))
    for ind, req in INDIVIDUAL_OF.items():
        for group, _title in GROUPS:
            rels.append(suppression.at_most(f"{ind}:{group}", f"{req}:{group}"))
        rels += [
            suppression.at_most(f"{ind}:U", f"{ind}:all"),
            suppression.at_most(f"{ind}:T", f"{ind}:all"),
            suppression.at_most_sum(f"{ind}:all", [f"{ind}:U", f"{ind}:T"]),
        ]
    return rels


def public_hidden(report: AnnualReport) -> tuple[set[str], set[str]]:
    """(shown as "<5", suppressed to protect them) among the public cells."""
    cached = getattr(report, "_public_hidden", None)
    if cached is None:
        cached = suppression.suppress(report.cells, relations())
        report._public_hidden = cached  # type: ignore[attr-defined]
    return cached


def sections_for(report: AnnualReport, *, public: bool) -> list[Section]:
    """The public version is the s. 4 table and the answers; the internal one has it all."""
    return report.s4_sections() if public else report.sections()


def shown(line: Line, *, public: bool, report: AnnualReport | None = None) -> str:
    """The cell text: in the public version "<5" for small counts and "*" for a cell
    suppressed because it would give a small one away."""
    if line.value is None:
        return ""
    if public and line.key and report is not None:
        primary, complementary = public_hidden(report)
        if line.key in primary:
            return f"<{SUPPRESS_BELOW}"
        if line.key in complementary:
            return "*"
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
    notices = DelayNotice.objects.only("request_id", "issued_at", "projected_date", "timely")
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
    # Only a request that was ever sent a delay notice has notice rows (clocks.delay_notices_of):
    # the others are neither prefetched (a queryset per row) nor given a clock for notices.
    noticed = [r for r in rows if r.delay_issued_at is not None]
    prefetch_related_objects(
        noticed, Prefetch("delay_notices", queryset=notices.order_by("issued_at"))
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
    person = individuals(rows)
    first_timely = [
        r
        for r in noticed
        if (c := clocks.clock(r, now=now, jurisdiction=jurisdiction)).notice_sent_on
        and start.date() <= c.notice_sent_on < end.date()
    ]
    year_notices = [n for r in noticed for n in r.delay_notices.all() if in_year(n.issued_at)]
    late_notice_rows = [
        r for r in noticed for n in r.delay_notices.all() if in_year(n.issued_at) and not n.timely
    ]
    late_answers = [
        r
        for r, c in zip(answers, answer_clocks, strict=True)
        if c.state == clocks.ClockState.ANSWERED_LATE
    ]
    measured = {
        "requests_received": received,
        "forms_signed": signed,
        "requests_denied": denied,
        "answer_timely_notice": first_timely,
        "late_final_answers": late_answers,
        "late_notices": late_notice_rows,
    }
    cells: dict[str, int] = {}
    for key, group_rows in measured.items():
        for group, kinds in GROUP_FORMS.items():
            cells[f"{key}:{group}"] = sum(1 for r in group_rows if r.form_type in kinds)
    for ind, req in INDIVIDUAL_OF.items():
        for group, kinds in GROUP_FORMS.items():
            cells[f"{ind}:{group}"] = len(
                {person[r.pk] for r in measured[req] if r.form_type in kinds}
            )
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
        cells=cells,
        timely_notices=sum(1 for n in year_notices if n.timely),
        late_notices=sum(1 for n in year_notices if not n.timely),
    )


GROUP_FORMS = {
    "U": {FormType.U_VISA},
    "T": {FormType.T_VISA},
    "all": {FormType.U_VISA, FormType.T_VISA},
}


def individuals(rows: list[CertificationRequest]) -> dict[int, int]:
    """Request pk -> one pk standing for its individual (c. 258F s. 4(a)(i)). Requests are
    the same person when they share the keyed digest of the normalised name and date of
    birth, or of the A-Number, or when one re-certifies the other; a request with neither
    digest is its own individual."""
    parent = {r.pk: r.pk for r in rows}

    def find(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    def join(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    seen: dict[str, int] = {}
    for r in rows:
        for name, value in r.identity_digests().items():
            digest = f"{name}:{value}"
            if digest in seen:
                join(seen[digest], r.pk)
            else:
                seen[digest] = r.pk
        if r.recertification_of_id in parent:
            join(r.recertification_of_id, r.pk)
    return {pk: find(pk) for pk in parent}


REPORT_CACHE_SECONDS = 24 * 3600


REPORT_MAX_AGE_SECONDS = 300


def cached_annual_report(year: int, *, now: datetime, agency: str = "") -> AnnualReport:
    """``build_annual_report``, reused while nothing changed, or for up to five minutes.

    Building the report for a million requests takes seconds (docs/performance.md), so under
    constant writes it is rebuilt at most every five minutes per server; when nothing changed
    it is exact (cases/page_cache.py states the rule). A new day starts afresh.
    """
    name = f"annual-report:v4:{year}:{agency}:{timezone.localdate(now)}"

    def build() -> AnnualReport:
        report = build_annual_report(year, now=now, agency=agency)
        report.cache_key = f"annual-report-build:{uuid.uuid4().hex}"  # charts: once per build
        return report

    return cached_value(name, build, now=now, max_stale_seconds=REPORT_MAX_AGE_SECONDS)
