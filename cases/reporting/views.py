"""The annual report pages: HTML with charts, CSV and PDF (c. 258F s. 4).

For users with the ``view_audit`` capability (coordinator, Chief, auditor); everyone else
gets 403. The report holds counts only, so there is no per-request scope to check.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from cases.permissions import can_read_audit
from cases.reporting import annual, charts, exports
from cases.selectors import the_agency

FORMATS = {"html", "csv", "pdf"}


def _require_reports(user: object) -> None:
    if not can_read_audit(user):
        raise PermissionDenied("Reports are for the coordinator, the Chief and the auditor.")


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
    agency = getattr(the_agency(), "name", "")
    report = annual.cached_annual_report(year, now=now, agency=agency)
    version = "public" if public else "internal"
    filename = f"c258f-annual-report-{year}-{version}"
    if fmt == "csv":
        response = HttpResponse(
            exports.to_csv(report, public=public), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if fmt == "pdf":
        response = HttpResponse(
            exports.to_pdf(report, public=public), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
        return response
    sections = [
        {
            "title": s.title,
            "rows": [(line.label, annual.shown(line, public=public)) for line in s.lines],
        }
        for s in report.sections()
    ]
    chart_items = []
    if not public:
        for title, svg in charts.cached_chart_svgs(report):
            # Built by reportlab from numbers and fixed labels only; the title is escaped
            # and chart_svg refuses scripts.
            chart_items.append({"title": title, "svg": mark_safe(svg)})  # noqa: S308  # nosec B308 B703
    context = {
        "report": report,
        "public": public,
        "sections": sections,
        "charts": chart_items,
        "years": list(range(this_year, annual.FIRST_YEAR - 1, -1)),
    }
    return render(request, "cases/annual_report.html", context)
