"""The log's pages: the list, one page per entry, the entry form, copies and documents.

Thin views: the access helper (404 outside the three roles), a form, one service, a
redirect with a message. A person's identity appears on the entry's own page only, and
every opening of that page is written to the access log.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.lib.pagination import CappedPaginator
from cases.lib.uploads import download_name
from federal_requests import access, roles, services
from federal_requests.forms import CopyForm, DocumentForm, EntryForm
from federal_requests.models import AccessLog, Agency, Entry, Kind
from federal_requests.periods import period_containing, period_starting, recent_periods
from federal_requests.reports import period_bounds

# The list shows no identity column: these are all it reads.
LIST_FIELDS = [
    "reference",
    "received_at",
    "agency",
    "kind",
    "response",
    "judicial_warrant",
    "in_custody",
    "copy_given_on",
    "information_given",
]


def _entry(user: Any, reference: str) -> Entry:
    access.require_member(user)
    entry = Entry.objects.filter(reference=reference).first()
    if entry is None:
        raise Http404("No such entry.")
    return entry


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"can": access.capabilities(request.user), **extra}


def _filtered(request: HttpRequest) -> tuple[QuerySet[Entry], dict[str, str]]:
    rows = Entry.objects.only(*LIST_FIELDS)
    chosen: dict[str, str] = {}
    period_slug = request.GET.get("period", "")
    if period_slug:
        try:
            period = period_starting(date.fromisoformat(period_slug))
        except ValueError:
            period = None
        if period is not None:
            start, end = period_bounds(period)
            rows = rows.filter(received_at__gte=start, received_at__lt=end)
            chosen["period"] = period_slug
    if request.GET.get("agency") in Agency.values:
        chosen["agency"] = request.GET["agency"]
        rows = rows.filter(agency=chosen["agency"])
    if request.GET.get("kind") in Kind.values:
        chosen["kind"] = request.GET["kind"]
        rows = rows.filter(kind=chosen["kind"])
    if request.GET.get("missing_copy") == "1":
        chosen["missing_copy"] = "1"
        rows = rows.filter(kind__in=["detainer", "admin_warrant"], in_custody=True)
        rows = rows.filter(copy_given_on__isnull=True)
    return rows, chosen


@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    access.require_member(request.user)
    rows, chosen = _filtered(request)
    page = CappedPaginator(rows.order_by("-received_at", "-pk")).get_page(request.GET.get("page"))
    first = Entry.objects.order_by("received_at").values_list("received_at", flat=True).first()
    today = timezone.localdate()
    periods = recent_periods(today, since=timezone.localdate(first) if first else None)
    missing = Entry.objects.filter(
        kind__in=["detainer", "admin_warrant"], in_custody=True, copy_given_on__isnull=True
    ).count()
    return render(
        request,
        "federal_requests/entry_list.html",
        _context(
            request,
            page=page,
            chosen=chosen,
            extra=urlencode(chosen),
            periods=periods,
            current_period=period_containing(today),
            agencies=Agency.choices,
            kinds=Kind.choices,
            missing_copies=missing,
        ),
    )


@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, roles.RECORD)
    form = EntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Entry %(reference)s logged.") % {"reference": entry.reference}
            )
            return redirect(entry)
    return render(request, "federal_requests/entry_form.html", _context(request, form=form))


@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _entry(request.user, reference)
    access.require(request.user, roles.RECORD)
    form = EntryForm(request.POST if request.method == "POST" else None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(entry=entry, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Entry %(reference)s saved.") % {"reference": reference})
            return redirect("federal_requests:entry_detail", reference=reference)
    return render(
        request, "federal_requests/entry_form.html", _context(request, form=form, entry=entry)
    )


def _detail(request: HttpRequest, entry: Entry, **forms: Any) -> HttpResponse:
    services.log_access(request, action=AccessLog.Action.VIEW_ENTRY, entry=entry)
    context = _context(
        request,
        entry=entry,
        documents=list(entry.documents.all()),
        events=list(entry.events.select_related("actor").order_by("pk")),
        copy_form=forms.get("copy_form")
        or CopyForm(
            initial={"copy_given_on": entry.copy_given_on, "copy_given_by": entry.copy_given_by}
        ),
        document_form=forms.get("document_form") or DocumentForm(),
    )
    status = 400 if forms else 200
    return render(request, "federal_requests/entry_detail.html", context, status=status)


@require_GET
def entry_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _detail(request, _entry(request.user, reference))


@require_POST
def entry_copy(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _entry(request.user, reference)
    access.require(request.user, roles.RECORD)
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            services.record_copy_given(
                entry=entry,
                actor=request.user,
                given_on=form.cleaned_data["copy_given_on"],
                given_by=form.cleaned_data["copy_given_by"],
            )
        except services.RefusedError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The copy given to the person is recorded."))
            return redirect(entry)
    return _detail(request, entry, copy_form=form)


@require_POST
def document_add(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _entry(request.user, reference)
    access.require(request.user, roles.RECORD)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.document_add(
                entry=entry,
                actor=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                form.add_error("file", errors)
        else:
            messages.success(
                request,
                _("%(original_name)s attached (stored encrypted).")
                % {"original_name": document.original_name},
            )
            return redirect(entry)
    return _detail(request, entry, document_form=form)


@require_GET
def document_download(request: HttpRequest, reference: str, document_id: int) -> FileResponse:
    entry = _entry(request.user, reference)
    document = entry.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("No such document.")
    services.log_access(
        request, action=AccessLog.Action.DOWNLOAD_DOCUMENT, entry=entry, document=document
    )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=download_name(document.original_name, document.content_type),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
