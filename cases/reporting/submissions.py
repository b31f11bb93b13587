"""The c. 258F s. 4(a) report as sent to EOPSS: record, stored file, frozen numbers.

The coordinator or the Chief records the submission (date, to whom, how). The file sent is
produced from the figures at that moment and stored with its SHA-256, and every figure of the
year is frozen as sent. When the year's figures later change (a late decision recorded, a
correction), the report page says "changed since submission" and shows the difference.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import AnnualReportSubmission
from cases.permissions import can_record_report_submission
from cases.reporting import annual, exports

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FORMATS = {"pdf": "application/pdf", "csv": "text/csv"}


def figures(report: annual.AnnualReport) -> dict[str, int | float | None]:
    """Every figure of the internal report, "section | item" -> value."""
    return {
        f"{section.title} | {line.label}": line.value
        for section in report.sections()
        for line in section.lines
    }


@dataclass(frozen=True)
class Change:
    item: str
    sent: int | float | None
    now: int | float | None


def changes_since(submission: AnnualReportSubmission, report: annual.AnnualReport) -> list[Change]:
    """The figures that differ from those sent (items added or removed included)."""
    current = figures(report)
    sent = submission.figures
    return [
        Change(item, sent.get(item), current.get(item))
        for item in [*sent, *(k for k in current if k not in sent)]
        if sent.get(item) != current.get(item)
    ]


@transaction.atomic
def record_submission(
    *,
    year: int,
    actor: User,
    submitted_on: date,
    submitted_to: str,
    method: str,
    fmt: str = "pdf",
    public: bool = False,
    agency: str = "",
    now: datetime | None = None,
) -> AnnualReportSubmission:
    if not can_record_report_submission(actor):
        raise PermissionDenied(_("Only the coordinator or the Chief records the submission."))
    now = now or timezone.now()
    if fmt not in FORMATS:
        raise ValidationError({"fmt": _("Choose PDF or CSV.")})
    if method not in AnnualReportSubmission.Method.values:
        raise ValidationError({"method": _("Choose how the report was sent.")})
    submitted_to = (submitted_to or "").strip()
    if not submitted_to:
        raise ValidationError({"submitted_to": _("Say to whom the report was sent.")})
    if submitted_on is None or submitted_on > timezone.localdate(now):
        raise ValidationError({"submitted_on": _("The submission date cannot be in the future.")})
    if not annual.FIRST_YEAR <= year < timezone.localdate(now).year:
        raise ValidationError({"year": _("Only a finished calendar year can be submitted.")})
    report = annual.build_annual_report(year, now=now, agency=agency)  # exact, not cached
    content = (
        exports.to_pdf(report, public=public)
        if fmt == "pdf"
        else exports.to_csv(report, public=public).encode()
    )
    version = "public" if public else "internal"
    return AnnualReportSubmission.objects.create(
        year=year,
        submitted_on=submitted_on,
        submitted_to=submitted_to,
        method=method,
        file_name=f"c258f-annual-report-{year}-{version}.{fmt}",
        content_type=FORMATS[fmt],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        figures=figures(report),
        recorded_by=actor,
        recorded_at=now,
    )
