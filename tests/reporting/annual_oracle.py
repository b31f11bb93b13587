"""The annual report's build as it was before it was made fast enough for a million requests
(model instances, a clock per answer; docs/performance.md), kept verbatim as the oracle the
faster build is compared with (tests/reporting/test_report_build_oracle.py), with one fix
made in both: a request decided before the year and still awaiting the ink signature is
pending in it. Not used by the application."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, datetime, time

from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from cases import clocks
from cases.models import (
    REPORT_FIELDS,
    CertificationRequest,
    DeclineReason,
    DelayNotice,
    ExpeditedReason,
    QualifyingCrimeCategory,
    Referral,
    Status,
)
from cases.reporting.annual import (
    DAY_BINS,
    GROUP_FORMS,
    INDIVIDUAL_OF,
    SIGNED_STATES,
    AnnualReport,
    percentile,
    year_bounds,
)


def _answer_moment(request: CertificationRequest) -> datetime | None:
    """When the request was answered (clocks.answered_on): the decision time when that is the
    answer day, otherwise the start of the ink day; None while unanswered."""
    day = clocks.answered_on(request)
    if day is None:
        return None
    if request.first_answered_at is not None:  # reconsidered: the first denial answered
        return request.first_answered_at
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
        .exclude(first_answered_at__lt=start)
        .exclude(
            Q(first_answered_at__isnull=True)
            & Q(decided_at__lt=start)
            & (
                Q(signed_on__lt=start.date())
                # decided but still awaiting the ink signature is not answered: pending
                | (Q(signed_on__isnull=True) & ~Q(status=Status.AWAITING_INK))
            )
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
    # A request reconsidered was answered by its first denial, whatever came of it.
    signed = [r for r in answers if r.status in SIGNED_STATES and r.first_answered_at is None]
    # A denial under reconsideration still stands (docs/clocks-reminders-reports.md).
    denied = [
        r
        for r in answers
        if r.status in (Status.DECLINED, Status.RECONSIDERATION) or r.first_answered_at
    ]
    # A referral answers the request but is not a denial (cases/services/referral.py).
    referred = [r for r in answers if r.status == Status.REFERRED]
    forwarded = [r for r in referred if Referral.objects.filter(request=r, forwarded=True).exists()]
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
        "requests_referred": referred,
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
        in_group = {
            group: {person[r.pk] for r in measured[req] if r.form_type in kinds}
            for group, kinds in GROUP_FORMS.items()
        }
        cells[f"{ind}:both"] = len(in_group["U"] & in_group["T"])
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
        # A referral without its row (made by hand in a test) counts as not forwarded.
        referrals={
            "referred": len(referred),
            "forwarded": len(forwarded),
            "not_forwarded": len(referred) - len(forwarded),
        },
    )


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
