"""The annual report pages: HTML with charts, CSV and PDF (c. 258F s. 4).

For users with the ``view_audit`` capability (coordinator, Chief, auditor); everyone else
gets 403. The report holds counts only, so there is no per-request scope to check.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from cases.models import AnnualReportSubmission
from cases.page_cache import REPORT_SCOPE, cached_page, versions
from cases.permissions import can_read_audit, can_record_report_submission
from cases.reauth import fresh_auth_or_redirect, give_back_fresh_auth
from cases.reporting import annual, charts, exports, submissions
from cases.selectors import the_agency


class SubmissionForm(forms.Form):
    submitted_on = forms.DateField(
        label=_("Date sent"), widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"})
    )
    submitted_to = forms.CharField(
        label=_("Sent to (name, office)"),
        max_length=200,
        initial="Executive Office of Public Safety and Security",
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    method = forms.ChoiceField(
        label=_("How"),
        choices=AnnualReportSubmission.Method.choices,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    fmt = forms.ChoiceField(
        label=_("File sent"),
        choices=[("pdf", "PDF"), ("csv", "CSV")],
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    public = forms.BooleanField(
        label=_("The public version (small counts suppressed)"), required=False
    )


FORMATS = {"html", "csv", "pdf"}


def _require_reports(user: object) -> None:
    if not can_read_audit(user):
        raise PermissionDenied(
            gettext("Reports are for the coordinator, the Chief and the auditor.")
        )


@require_GET
def annual_report_index(request: HttpRequest) -> HttpResponse:
    _require_reports(request.user)
    return redirect("annual_report", year=timezone.localdate().year)


@require_GET
def annual_report(request: HttpRequest, year: int) -> HttpResponse:
    _require_reports(request.user)
    now = timezone.now()
    this_year = timezone.localdate(now).year
    if not annual.FIRST_YEAR <= year <= this_year:
        raise Http404("No report for that year.")
    fmt = request.GET.get("format", "html")
    if fmt not in FORMATS:
        return HttpResponseBadRequest("Unknown format: choose html, csv or pdf.")
    public = request.GET.get("public") == "1"
    if fmt in ("csv", "pdf"):
        agency = getattr(the_agency(), "name", "")
        report = annual.cached_annual_report(year, now=now, agency=agency)
        return _download(report, fmt=fmt, year=year, public=public)

    def build() -> tuple[str, str]:
        agency = getattr(the_agency(), "name", "")
        report = annual.cached_annual_report(year, now=now, agency=agency)
        context = _page_context(request, report, year=year, public=public, this_year=this_year)
        title = gettext("Annual report %(year)s") % {"year": year}
        return title, render_to_string("cases/annual_report_body.html", context, request)

    # Counts only: the page is kept like the lists, and follows the report's own version
    # (cases/page_cache.py: the shared version, which submissions and roles raise, and the
    # ``report`` scope), so a workflow step that changes no figure keeps it. The key has the
    # user, the path with ``?public=1`` and today's date.
    found = versions(request.user)
    return cached_page(request, build, version=("report", found.shared, found.scope(REPORT_SCOPE)))


def _download(report: annual.AnnualReport, *, fmt: str, year: int, public: bool) -> HttpResponse:
    filename = f"c258f-annual-report-{year}-{'public' if public else 'internal'}"
    if fmt == "csv":
        response = HttpResponse(
            exports.to_csv(report, public=public), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    response = HttpResponse(exports.to_pdf(report, public=public), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def _page_context(
    request: HttpRequest, report: annual.AnnualReport, *, year: int, public: bool, this_year: int
) -> dict[str, object]:
    sections = [
        {
            "title": s.title,
            "rows": [
                (line.label, annual.shown(line, public=public, report=report)) for line in s.lines
            ],
        }
        for s in annual.sections_for(report, public=public)
    ]
    chart_items = []
    if not public:
        for title, svg in charts.cached_chart_svgs(report):
            # Built by reportlab from numbers and fixed labels only; the title is escaped
            # and chart_svg refuses scripts.
            chart_items.append({"title": title, "svg": mark_safe(svg)})  # noqa: S308  # nosec B308 B703
    sent = list(AnnualReportSubmission.objects.filter(year=year).defer("content"))
    return {
        "report": report,
        "public": public,
        "submissions": [
            {"record": record, "changes": submissions.changes_since(record, report)}
            for record in sent
        ],
        "submission_form": SubmissionForm(prefix="submit")
        if can_record_report_submission(request.user) and year < this_year
        else None,
        "sections": sections,
        "charts": chart_items,
        "years": list(range(this_year, annual.FIRST_YEAR - 1, -1)),
    }


@require_POST
def annual_report_submit(request: HttpRequest, year: int) -> HttpResponse:
    """Record that the year's report was sent to EOPSS (c. 258F s. 4(a))."""
    if not can_record_report_submission(request.user):
        raise PermissionDenied(gettext("Only the coordinator or the Chief records the submission."))
    form = SubmissionForm(request.POST, prefix="submit")
    if not form.is_valid():
        messages.error(request, _("Say when, to whom and how the report was sent."))
        return redirect("annual_report", year=year)
    back = reverse("annual_report", args=[year])
    unconfirmed = fresh_auth_or_redirect(request, "annual_report_submit", back)
    if unconfirmed is not None:
        return unconfirmed
    try:
        record = submissions.record_submission(
            year=year,
            actor=request.user,
            agency=getattr(the_agency(), "name", ""),
            **form.cleaned_data,
        )
    except ValidationError as exc:
        give_back_fresh_auth(request)
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Submission recorded; SHA-256 %s.") % record.sha256)
    return redirect("annual_report", year=year)


@require_GET
def annual_report_submission_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The file exactly as sent."""
    _require_reports(request.user)
    record = AnnualReportSubmission.objects.filter(pk=pk).first()
    if record is None:
        raise Http404("No such submission.")
    response = HttpResponse(bytes(record.content), content_type=record.content_type)
    response["Content-Disposition"] = f'attachment; filename="{record.file_name}"'
    return response
