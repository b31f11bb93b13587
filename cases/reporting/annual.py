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
  the first answer; late: final answers after the deadline in force, notices after it;
- referred: a referral to the agency with jurisdiction declines to certify for lack of it
  (s. 3(ii)) on the day of ``decided_at``; it is an answer, counted on its own row and never
  among the denials, and split into forwarded (the victim consented) and not forwarded.

The report reads only the columns listed in ``REPORT_FIELDS``: no name, date of birth,
A-Number, address or report number ever enters this module. The public version is the s. 4
table and the answers, with counts from 1 to 4 shown as "<5" and complementary suppression
(cases/lib/suppression.py) so no hidden count can be worked out from the others; it leaves
out the breakdowns and the charts.

One chart builder (reportlab graphics) feeds both the web page (as inline SVG) and the PDF.
"""

from __future__ import annotations

import functools
import math
import statistics
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
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
    Reconsideration,
    Referral,
    Status,
)
from cases.page_cache import REPORT_SCOPE, cached_value

FIRST_YEAR = 2021  # c. 258F took effect July 1, 2021


SUPPRESS_BELOW = 5


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


DAY_BINS = [(0, 30), (31, 60), (61, 90), (91, 120), (121, None)]


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
    # A referral declines to certify for lack of jurisdiction (s. 3(ii)) and names the agency
    # that has it: counted here, never among the denials of the s. 4 table.
    ("requests_referred", "Referred to the agency with jurisdiction (not counted as denied)"),
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
    # Reconsiderations of a denial: asked in the year, decided in it (certified or denied
    # again), and undecided past their own clock on the report's as-of day.
    reconsiderations: dict[str, int] = field(default_factory=dict)
    # Referrals answered in the year: forwarded to the agency (the victim consented) or not.
    referrals: dict[str, int] = field(default_factory=dict)

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
                    Line("Answered (signed, denied or referred)", self.answered),
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
                "Reconsiderations of a denial",
                [
                    Line("Reconsiderations requested", self.reconsiderations.get("requested", 0)),
                    Line("  granted (certified)", self.reconsiderations.get("granted", 0)),
                    Line("  denied again", self.reconsiderations.get("denied", 0)),
                    Line("  withdrawn by the requester", self.reconsiderations.get("withdrawn", 0)),
                    Line(
                        f"Undecided past their clock on {self.as_of:%m/%d/%Y}",
                        self.reconsiderations.get("overdue", 0),
                    ),
                ],
            ),
            Section(
                "Referrals to the agency with jurisdiction (c. 258F s. 3(ii))",
                [
                    Line("Referrals", self.referrals.get("referred", 0)),
                    Line(
                        "  documents forwarded (the victim consented)",
                        self.referrals.get("forwarded", 0),
                    ),
                    Line(
                        "  not forwarded (the requester sends them)",
                        self.referrals.get("not_forwarded", 0),
                    ),
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
    counts; an individual counted needs a request counted; individuals together are U + T
    less those counted in both. How many were in both is not printed, but a reader may well
    guess it (nearly always 0), so the suppression takes it as known (``UNPRINTED``): the
    "<5" of T beside U 5 and together 6 must not read as T = 1 (c. 258F s. 4: no personal
    identifying information)."""
    rels: list[suppression.Relation] = []
    request_keys = [k for k, _l, kind in S4_METRICS if kind == "requests"]
    request_keys += [k for k, _l in ANSWER_METRICS]
    for key in request_keys:
        rels.append(suppression.total(f"{key}:all", [f"{key}:U", f"{key}:T"]))
    for ind, req in INDIVIDUAL_OF.items():
        for group, _title in GROUPS:
            rels.append(suppression.at_most(f"{ind}:{group}", f"{req}:{group}"))
        rels.append(suppression.union_total(f"{ind}:all", f"{ind}:U", f"{ind}:T", f"{ind}:both"))
    return rels


# The cells counted for the suppression but not printed: individuals in both U and T.
UNPRINTED = [f"{ind}:both" for ind in INDIVIDUAL_OF]


def public_hidden(report: AnnualReport) -> tuple[set[str], set[str]]:
    """(shown as "<5", suppressed to protect them) among the public cells."""
    cached = getattr(report, "_public_hidden", None)
    if cached is None:
        cached = suppression.suppress(report.cells, relations(), context=UNPRINTED)
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


@dataclass
class _Row:
    """What ``clocks.clock`` reads of a request, for the few rows whose clock is computed:
    expedited ones (age-out date) and those sent a delay notice (their notices are given to
    the clock). The clock reads only the local days of receipt and decision, so those
    moments are given as the local midnight of their days (the tuples carry the days)."""

    status: str
    received_at: datetime
    decided_at: datetime | None
    signed_on: date | None
    expedited: bool
    age_out_date: date | None = None
    # The tuples already give a reconsidered request's first denial as its decision.
    first_answered_at: datetime | None = None


def _rows_in_play(start: datetime, end: datetime) -> QuerySet[CertificationRequest]:
    """Requests received before the year's end and not answered or withdrawn before it."""
    return (
        CertificationRequest.objects.filter(received_at__lt=end)
        # Answered before the year: a denial before it, or an ink date before it; a request
        # reconsidered was answered by its first denial (clocks.answered_on).
        .exclude(
            Q(first_answered_at__isnull=True)
            & Q(decided_at__lt=start)
            & (
                Q(signed_on__lt=start.date())
                # decided but still awaiting the ink signature is not answered: pending
                | (Q(signed_on__isnull=True) & ~Q(status=Status.AWAITING_INK))
            )
        )
        .exclude(first_answered_at__lt=start)
        .exclude(withdrawn_at__lt=start)
    )


def _reconsideration_counts(start: datetime, end: datetime, as_of: date) -> dict[str, int]:
    """One query: asked in the year, decided in it by outcome, and undecided on ``as_of``
    (or decided after it) with their due day before it."""

    def decided(outcome: str) -> Count:
        return Count("pk", filter=Q(outcome=outcome, decided_at__gte=start, decided_at__lt=end))

    undecided_then = Q(outcome="") | Q(decided_at__date__gt=as_of)
    return dict(
        Reconsideration.objects.aggregate(
            requested=Count("pk", filter=Q(requested_at__gte=start, requested_at__lt=end)),
            granted=decided(Reconsideration.Outcome.GRANTED),
            denied=decided(Reconsideration.Outcome.DENIED),
            withdrawn=decided(Reconsideration.Outcome.WITHDRAWN),
            overdue=Count("pk", filter=undecided_then & Q(requested_at__lt=end, due_on__lt=as_of)),
        )
    )


def _referral_counts(referred: list[tuple]) -> dict[str, int]:
    """The year's referrals, forwarded or not: one query, only when there were referrals."""
    if not referred:
        return {"referred": 0, "forwarded": 0, "not_forwarded": 0}
    forwarded = 0
    ids = [row[0] for row in referred]
    for i in range(0, len(ids), 5000):
        forwarded += Referral.objects.filter(
            request_id__in=ids[i : i + 5000], forwarded=True
        ).count()
    return {
        "referred": len(referred),
        "forwarded": forwarded,
        "not_forwarded": len(referred) - forwarded,
    }


def _flag(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


# Where ``_report_rows`` puts what the loops below read again.
NOTICED, EXPEDITED, EXPEDITED_REASON, DECLINE_REASON, FORM_TYPE = 10, 12, 13, 14, 15


def _report_rows(
    in_play: QuerySet[CertificationRequest], start: datetime, end: datetime, as_of: datetime
) -> list[tuple]:
    """One tuple per request in play; the database turns the moments into what the report
    asks of them (local days, before or after a bound), so no timestamp is parsed
    in Python. Unknown (NULL) flags read as None: false. Layout, in order: pk, status,
    received day, received in the year, received by ``as_of``, decision day, decided by
    ``as_of``, ink date, withdrawn in the year, withdrawn by ``as_of``, sent a delay notice,
    one sent in the year, expedited, its reason, decline reason, form type, person digest,
    A-Number digest, re-certified request (c. 258F s. 4: no name, no date of birth, no
    number). A request reconsidered reads as the denial it was first answered with
    (clocks.answered_on): status declined, its decision the first denial, no ink date."""
    tz = timezone.get_current_timezone()
    reconsidered = Q(first_answered_at__isnull=False)
    return _tuples(
        in_play.order_by().values_list(
            "pk",
            Case(
                When(reconsidered, then=Value(Status.DECLINED.value)),
                default=F("status"),
                output_field=CharField(),
            ),
            TruncDate("received_at", tzinfo=tz),
            _flag(Q(received_at__gte=start)),  # received_at < end for every row in play
            _flag(Q(received_at__lt=as_of)),
            TruncDate(Coalesce("first_answered_at", "decided_at"), tzinfo=tz),
            _flag(
                Q(first_answered_at__lt=as_of)
                | (Q(first_answered_at__isnull=True) & Q(decided_at__lt=as_of))
            ),
            Case(
                When(reconsidered, then=Value(None)),
                default=F("signed_on"),
                output_field=DateField(),
            ),
            _flag(Q(withdrawn_at__gte=start, withdrawn_at__lt=end)),
            _flag(Q(withdrawn_at__lt=as_of)),
            _flag(Q(delay_issued_at__isnull=False)),
            _flag(Q(delay_issued_at__gte=start, delay_issued_at__lt=end)),
            "expedited",
            "expedited_reason",
            "decline_reason",
            "form_type",
            "person_digest",
            "a_number_digest",
            "recertification_of",
        )
    )


def _tuples(rows: QuerySet[Any]) -> list[tuple]:
    """The tuples of a ``values_list`` query. On PostgreSQL the driver already returns what
    Django's converters would (dates, booleans, integers, text): they are skipped, since for
    a million requests they cost more than all the rest of the build."""
    db = connections[rows.db]
    if db.vendor != "postgresql":
        return list(rows)
    sql, params = rows.query.sql_with_params()
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _clock_rows(rows: list[tuple]) -> dict[int, _Row]:
    """What clocks.clock reads of ``rows``; the encrypted age-out date read and decrypted
    only for the expedited ones (the only ones whose due date it moves)."""
    tz = timezone.get_current_timezone()

    def midnight(day: date | None) -> datetime | None:
        return None if day is None else datetime.combine(day, time.min, tzinfo=tz)

    found = {
        row[0]: _Row(
            status=row[1],
            received_at=cast(datetime, midnight(row[2])),
            decided_at=midnight(row[5]),
            signed_on=row[7],
            expedited=row[EXPEDITED],
        )
        for row in rows
    }
    expedited = sorted(pk for pk, row in found.items() if row.expedited)
    for i in range(0, len(expedited), 5000):
        chunk = CertificationRequest.objects.filter(pk__in=expedited[i : i + 5000])
        for pk, age_out_date in chunk.values_list("pk", "age_out_date"):
            found[pk].age_out_date = age_out_date
    return found


def build_annual_report(year: int, *, now: datetime, agency: str = "") -> AnnualReport:
    """Two queries (the requests in play as tuples, the category counts), then one pass in
    Python; the delay notices and the clocks only for the requests that need them.

    An answer is late when its day is after the deadline in force (clocks.clock): for a
    request neither expedited nor sent a delay notice that is receipt + the response period,
    which is also the statutory limit, and is compared directly; the others (the expedited
    track, delay notices: few) go through clocks.clock with their notices.
    """
    start, end = year_bounds(year)
    as_of_time = min(end, now)
    jurisdiction = clocks.profile()
    tz = timezone.get_current_timezone()
    first_day, after_last_day = start.date(), end.date()
    period = timedelta(days=jurisdiction.response_days)
    in_play = _rows_in_play(start, end)
    rows = _report_rows(in_play, start, end, as_of_time)
    categories = list(
        QualifyingCrimeCategory.objects.filter(
            requests__received_at__gte=start, requests__received_at__lt=end
        )
        .annotate(n=Count("requests"))  # filtered before annotating: counts this year only
        .order_by("form_order")
        .values_list("name", "n")
    )

    awaiting_ink = Status.AWAITING_INK
    received: list[tuple] = []  # rows received in the year
    answers: list[tuple[tuple, date]] = []  # (row, answer day) answered in the year
    noticed: list[tuple] = []  # rows sent a delay notice (clocks.delay_notices_of)
    withdrawn = pending = notices_in_year = 0
    per_month = [0] * 12
    for row in rows:
        (_pk, status, received_on, received_in_year, received_by_as_of) = row[:5]
        (decided_on, decided_by_as_of, signed_on, withdrawn_in_year, withdrawn_by_as_of) = row[5:10]
        # clocks.answered_on; and whether the answer came by as_of_time: its moment is the
        # decision time when that is the answer day, otherwise the start of the ink day.
        day, answered_by_as_of = None, False
        if status != awaiting_ink:
            if signed_on is not None:
                day = signed_on
                if decided_on == day:
                    answered_by_as_of = bool(decided_by_as_of)
                else:
                    answered_by_as_of = datetime.combine(day, time.min, tzinfo=tz) < as_of_time
            elif decided_on is not None:
                day, answered_by_as_of = decided_on, bool(decided_by_as_of)
        if received_in_year:
            received.append(row)
            per_month[received_on.month - 1] += 1
        if day is not None and first_day <= day < after_last_day:
            answers.append((row, day))
        if withdrawn_in_year:
            withdrawn += 1
        if row[NOTICED]:
            noticed.append(row)
            notices_in_year += bool(row[NOTICED + 1])
        if received_by_as_of and not answered_by_as_of and not withdrawn_by_as_of:
            pending += 1

    # Clocks (clocks.clock) for the expedited answers and the rows sent a notice.
    clocked = _clock_rows([row for row, _day in answers if row[EXPEDITED]] + noticed)
    notices: dict[int, list[tuple[datetime, date, bool]]] = {pk: [] for pk in clocked}
    sent = DelayNotice.objects.filter(request__in=in_play.filter(delay_issued_at__isnull=False))
    for request_id, issued_at, projected, timely in (
        sent.order_by("issued_at", "pk").values_list(
            "request_id", "issued_at", "projected_date", "timely"
        )
        if noticed
        else []
    ):
        if request_id in notices:  # the rows read above, whatever was written since
            notices[request_id].append((issued_at, projected, timely))

    @functools.cache  # an answered request sent a notice is asked twice
    def clock_of(pk: int) -> clocks.Clock:
        facts = [
            clocks.NoticeFact(issued_at.astimezone(tz).date(), projected)
            for issued_at, projected, _timely in notices[pk]
        ]
        request = cast(CertificationRequest, clocked[pk])
        return clocks.clock(request, now=now, jurisdiction=jurisdiction, notices=facts)

    days: list[int] = []
    signed: list[tuple] = []
    denied: list[tuple] = []
    referred: list[tuple] = []
    late_answers: list[tuple] = []
    late_statutory = 0
    for row, day in answers:
        pk, status, received_on = row[:3]
        days.append((day - received_on).days)
        if status in SIGNED_STATES:
            signed.append(row)
        elif status in (Status.DECLINED, Status.RECONSIDERATION):
            # The denial stands while its reconsideration is pending.
            denied.append(row)
        elif status == Status.REFERRED:
            referred.append(row)
        if pk in clocked:  # expedited, or sent a delay notice
            c = clock_of(pk)
            late = c.state == clocks.ClockState.ANSWERED_LATE
            late_statutory += c.answered_after_statutory_limit
        else:
            late = day > received_on + period
            late_statutory += late
        if late:
            late_answers.append(row)

    first_timely = []
    late_notice_rows = []
    timely_notices = late_notices = 0
    for row in noticed:
        sent_on = clock_of(row[0]).notice_sent_on
        if sent_on and first_day <= sent_on < after_last_day:
            first_timely.append(row)
        for issued_at, _projected, timely in notices[row[0]]:
            if start <= issued_at < end:
                if timely:
                    timely_notices += 1
                else:
                    late_notices += 1
                    late_notice_rows.append(row)

    bins = [
        sum(1 for d in days if low <= d and (high is None or d <= high)) for low, high in DAY_BINS
    ]
    reasons = Counter(row[DECLINE_REASON] for row in denied)
    decline_labels = dict(DeclineReason.choices)
    expedited = [row for row in received if row[EXPEDITED]]
    expedited_reasons = Counter(row[EXPEDITED_REASON] for row in expedited if row[EXPEDITED_REASON])
    expedited_labels = dict(ExpeditedReason.choices)
    measured = {
        "requests_received": received,
        "forms_signed": signed,
        "requests_denied": denied,
        "requests_referred": referred,
        "answer_timely_notice": first_timely,
        "late_final_answers": late_answers,
        "late_notices": late_notice_rows,
    }
    cells: dict[str, int] = {}
    for key, group_rows in measured.items():
        forms = Counter(row[FORM_TYPE] for row in group_rows)
        for group, kinds in GROUP_FORMS.items():
            cells[f"{key}:{group}"] = sum(forms[kind] for kind in kinds)
    person = _individual_finder(rows)
    for ind, req in INDIVIDUAL_OF.items():
        people: dict[str, set[int]] = {kind: set() for kind in FormType.values}
        for row in measured[req]:
            people.setdefault(row[FORM_TYPE], set()).add(person(row[0]))
        for group, kinds in GROUP_FORMS.items():
            cells[f"{ind}:{group}"] = len(set().union(*(people[kind] for kind in kinds)))
        # Not printed; the suppression takes it as known to a reader (see ``relations``).
        u_people = set().union(*(people[kind] for kind in GROUP_FORMS["U"]))
        t_people = set().union(*(people[kind] for kind in GROUP_FORMS["T"]))
        cells[f"{ind}:both"] = len(u_people & t_people)
    as_of = timezone.localdate(as_of_time) if as_of_time < end else date(year, 12, 31)
    return AnnualReport(
        year=year,
        agency=agency,
        jurisdiction=jurisdiction,
        as_of=as_of,
        generated_at=now,
        requested=len(received),
        signed=len(signed),
        denied=len(denied),
        withdrawn=withdrawn,
        pending=pending,
        answered=len(answers),
        answered_late=len(late_answers),
        answered_late_statutory=late_statutory,
        delay_notices=notices_in_year,
        median_days=statistics.median(days) if days else None,
        p90_days=percentile(days, 90),
        per_month=per_month,
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
        timely_notices=timely_notices,
        late_notices=late_notices,
        reconsiderations=_reconsideration_counts(start, end, as_of),
        referrals=_referral_counts(referred),
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
    find = _individual_finder(
        [(r.pk, r.person_digest, r.a_number_digest, r.recertification_of_id) for r in rows],
        columns=(0, 1, 2, 3),
    )
    lowest: dict[int, int] = {}  # the individual's first request stands for it
    for r in sorted(rows, key=lambda r: r.pk):
        lowest.setdefault(find(r.pk), r.pk)
    return {r.pk: lowest[find(r.pk)] for r in rows}


def _individual_finder(
    rows: list[tuple], *, columns: tuple[int, int, int, int] = (0, 16, 17, 18)
) -> Callable[[int], int]:
    """``individuals`` over tuples: (pk, person digest, A-Number digest, re-certified pk) at
    ``columns``; returns the function from a request pk to its individual (a number).

    The union is over people, not requests: a request belongs to the node of its name-and-birth
    digest (else of its A-Number digest, else its own); an A-Number digest seen again on another
    node joins the two, and so does a re-certification. At a million requests that is one join
    per repeated A-Number instead of one per request (docs/performance.md)."""
    at_pk, at_person, at_a_number, at_recertified = columns
    parent: list[int] = []  # node -> parent node
    person_node: dict[str, int] = {}
    a_number_node: dict[str, int] = {}  # the node an A-Number digest was first seen on
    node_of: dict[int, int] = {}
    pairs: set[tuple[int, int]] = set()
    for row in rows:
        person, a_number = row[at_person], row[at_a_number]
        node = person_node.get(person) if person else a_number_node.get(a_number)
        if node is None:
            node = len(parent)
            parent.append(node)
            if person:
                person_node[person] = node
        if a_number:
            first = a_number_node.setdefault(a_number, node)
            if first != node:
                pairs.add((first, node))
        node_of[row[at_pk]] = node
    for row in rows:
        recertified = row[at_recertified]
        if recertified in node_of:
            pairs.add((node_of[recertified], node_of[row[at_pk]]))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    root = [find(node) for node in range(len(parent))]
    return lambda pk: root[node_of[pk]]


REPORT_CACHE_SECONDS = 24 * 3600


def cached_annual_report(year: int, *, now: datetime, agency: str = "") -> AnnualReport:
    """``build_annual_report``, reused until a write that can change one of its figures
    (cases/page_cache.py: the shared version and the ``report`` scope): always exact, and
    kept through workflow steps that change nothing it counts. A new day starts afresh."""
    jurisdiction = clocks.profile().code
    name = f"annual-report:v5:{year}:{agency}:{jurisdiction}:{timezone.localdate(now)}"

    def build() -> AnnualReport:
        report = build_annual_report(year, now=now, agency=agency)
        report.cache_key = f"annual-report-build:{uuid.uuid4().hex}"  # charts: once per build
        return report

    return cached_value(name, build, now=now, scope=REPORT_SCOPE)
