"""The task-force register, the six-monthly report (page, PDF, CSV, submission) and the
audit trail with its access log."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.lib.pagination import CappedPaginator
from cases.reauth import fresh_auth_or_redirect, give_back_fresh_auth
from federal_requests import access, audit, reports, roles, services
from federal_requests.forms import DisclosureForm, SubmissionForm, TaskForceForm
from federal_requests.models import AccessLog, AuditEvent, Entry, ReportSubmission, TaskForce
from federal_requests.periods import Period, period_containing, period_starting, recent_periods

FORMATS = {"html", "pdf", "csv"}


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"can": access.capabilities(request.user), **extra}


# --- task forces ---


@require_GET
def task_force_list(request: HttpRequest) -> HttpResponse:
    access.require_member(request.user)
    forces = list(TaskForce.objects.select_related("disclosure_decided_by"))
    return render(
        request,
        "federal_requests/task_force_list.html",
        _context(request, forces=forces, disclosure_form=DisclosureForm()),
    )


def _task_force(user: Any, pk: int) -> TaskForce:
    access.require_member(user)
    found = TaskForce.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No such task force.")
    return found


@require_http_methods(["GET", "POST"])
def task_force_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    existing = _task_force(request.user, pk) if pk is not None else None
    access.require(request.user, roles.RECORD)
    form = TaskForceForm(request.POST if request.method == "POST" else None, instance=existing)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.task_force_save(
                actor=request.user, data=form.cleaned_data, task_force=existing
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Task force %(name)s saved.") % {"name": saved.name})
            return redirect("federal_requests:task_force_list")
    return render(
        request,
        "federal_requests/task_force_form.html",
        _context(request, form=form, task_force=existing),
    )


@require_POST
def task_force_disclosure(request: HttpRequest, pk: int) -> HttpResponse:
    task_force = _task_force(request.user, pk)
    access.require(request.user, roles.DECIDE_DISCLOSURE)
    form = DisclosureForm(request.POST)
    if form.is_valid():
        back = reverse("federal_requests:task_force_list")
        step = "federal_requests:task_force_disclosure"
        unconfirmed = fresh_auth_or_redirect(request, step, back)
        if unconfirmed is not None:
            return unconfirmed
        services.task_force_decide(
            task_force=task_force,
            actor=request.user,
            disclosure=form.cleaned_data["disclosure"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Decision on %(name)s recorded.") % {"name": task_force.name})
        return redirect("federal_requests:task_force_list")
    return render(
        request,
        "federal_requests/task_force_decide.html",
        _context(request, form=form, task_force=task_force),
        status=400,
    )


# --- the six-monthly report ---


def _period(slug: str) -> Period:
    try:
        found = period_starting(date.fromisoformat(slug))
    except ValueError:
        found = None
    if found is None or found.start > timezone.localdate():
        raise Http404("No report period starts on that day.")
    return found


@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    access.require_member(request.user)
    first = Entry.objects.order_by("received_at").values_list("received_at", flat=True).first()
    today = timezone.localdate()
    periods = recent_periods(today, since=timezone.localdate(first) if first else None)
    sent = {s.period_start: s for s in ReportSubmission.objects.defer("pdf", "csv")}
    rows = [(p, sent.get(p.start), p.end <= today) for p in periods]
    return render(
        request,
        "federal_requests/report_index.html",
        _context(request, rows=rows, current=period_containing(today)),
    )


def _download(content: bytes, *, name: str, fmt: str) -> HttpResponse:
    if fmt == "pdf":
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    else:
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@require_GET
def report_detail(request: HttpRequest, start: str) -> HttpResponse:
    access.require_member(request.user)
    period = _period(start)
    fmt = request.GET.get("format", "html")
    if fmt not in FORMATS:
        return HttpResponseBadRequest("Unknown format: choose html, csv or pdf.")
    public = request.GET.get("public") == "1"
    sent = ReportSubmission.objects.filter(period_start=period.start).first()
    services.log_access(
        request,
        action=AccessLog.Action.VIEW_REPORT,
        reference=f"report {period.slug} {fmt}{' public' if public else ''}",
    )
    version = "public" if public else "internal"
    name = f"sec-50-105-report-{period.slug}-{version}"
    if sent is not None and public and fmt != "html":
        # The report as sent: the stored bytes, never rebuilt.
        return _download(bytes(sent.pdf if fmt == "pdf" else sent.csv), name=name, fmt=fmt)
    report = reports.build_report(period, now=timezone.now())
    if fmt == "pdf":
        return _download(reports.to_pdf(report, public=public), name=name, fmt=fmt)
    if fmt == "csv":
        return _download(reports.to_csv(report, public=public).encode(), name=name, fmt=fmt)
    changed_since = bool(
        sent is not None and reports.to_csv(report, public=True).encode() != bytes(sent.csv)
    )
    return render(
        request,
        "federal_requests/report_detail.html",
        _context(
            request,
            period=period,
            report=report,
            public=public,
            tables=reports.tables(report, public=public),
            title=reports.title(report, public=public),
            summary=reports.summary(report, public=public),
            sent=sent,
            changed_since=changed_since,
            ended=period.end <= timezone.localdate(),
            form=SubmissionForm(period_last_day=period.last_day),
        ),
    )


@require_POST
def report_submit(request: HttpRequest, start: str) -> HttpResponse:
    access.require(request.user, roles.SUBMIT_REPORT)
    period = _period(start)
    form = SubmissionForm(request.POST, period_last_day=period.last_day)
    if form.is_valid():
        back = reverse("federal_requests:report_detail", args=[period.slug])
        unconfirmed = fresh_auth_or_redirect(request, "federal_requests:report_submit", back)
        if unconfirmed is not None:
            return unconfirmed
        try:
            services.report_submit(
                period=period,
                actor=request.user,
                submitted_on=form.cleaned_data["submitted_on"],
                docket_number=form.cleaned_data["docket_number"],
                now=timezone.now(),
            )
        except services.RefusedError as exc:
            give_back_fresh_auth(request)
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Submission recorded: the public report is kept exactly as sent.")
            )
            return redirect("federal_requests:report_detail", start=period.slug)
    return render(
        request,
        "federal_requests/report_submit.html",
        _context(request, form=form, period=period),
        status=400,
    )


# --- audit trail and access log ---


@require_GET
def audit_trail(request: HttpRequest) -> HttpResponse:
    access.require(request.user, roles.VIEW_AUDIT)
    services.log_access(request, action=AccessLog.Action.VIEW_AUDIT, reference="audit trail")
    checked, broken = audit.verify_chain()
    events = CappedPaginator(AuditEvent.objects.select_related("actor").order_by("-pk")).get_page(
        request.GET.get("page")
    )
    accesses = AccessLog.objects.order_by("-at", "-pk")[:50]
    return render(
        request,
        "federal_requests/audit.html",
        _context(request, page=events, checked=checked, broken=broken, accesses=accesses),
    )
