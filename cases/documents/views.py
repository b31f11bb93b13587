"""Supplement B and letter downloads, the ink original, and the public verification page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import errors, issued_letters
from cases import permissions as perms
from cases.audit import log_access
from cases.documents import (
    corrections,
    handover_checklist,
    issuing,
    letters,
    page_images,
    pdf_sandbox,
    review_pages,
    verification,
)
from cases.documents.forms import HandoverForm, LetterDeliveryForm, VerifyForm
from cases.models import (
    AccessLog,
    CertificationRequest,
    InkSignature,
    IssuedForm,
    IssuedLetter,
    LetterTemplate,
    OriginalHandover,
)
from cases.permissions import get_request_for_user
from cases.services import ink
from cases.services.common import take_once


def _attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _review_request(request: HttpRequest, reference: str) -> CertificationRequest:
    """The request whose review copy the user may read: 404 outside their requests, 403 for
    anyone but department staff who read the whole request."""
    obj = get_request_for_user(request.user, reference)
    if not perms.can_see_draft(obj, request.user):
        raise PermissionDenied(_("The review copy is for the department."))
    return obj


@require_GET
def form_review_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The filled official form marked "DRAFT - NOT ISSUED - DO NOT SIGN" on every page; our own
    layout ("REVIEW COPY - NOT FOR FILING") where no template is loaded. Never sealed."""
    obj = _review_request(request, reference)
    form = obj.form_type
    log_access(
        request, action=AccessLog.Action.DOWNLOAD_FORM, obj=obj, detail=f"review copy {form}"
    )
    data, filled = issuing.review_copy(obj)
    return _attachment(data, f"{obj.reference}-{form}-{'draft' if filled else 'review-copy'}.pdf")


@require_GET
def form_review_page(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """Page ``number`` of the draft form as PNG, for the case page."""
    obj = _review_request(request, reference)
    try:
        png = review_pages.page_png(obj, number)
    except page_images.Busy:
        response = HttpResponse(status=503)
        response["Retry-After"] = "5"
        return response
    if png is None:
        raise Http404("No such page of the draft form.")
    log_access(
        request,
        action=AccessLog.Action.DOWNLOAD_FORM,
        obj=obj,
        detail=f"review copy {obj.form_type} page {number}",
    )
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def form_issued_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The filled official form as issued (sealed), print-ready for the ink signature."""
    obj = get_request_for_user(request.user, reference)
    form = IssuedForm.objects.current_for(obj)
    if form is None:
        raise Http404("No form was issued for this request.")
    if not perms.can_see_issued_form(obj, request.user):
        raise PermissionDenied(_("The form is not signed in ink yet; it is for the department."))
    log_access(request, action=AccessLog.Action.DOWNLOAD_FORM, obj=obj, detail="issued I-918B")
    return _attachment(form.data, f"{obj.reference}-I-918B-issued.pdf")


@require_GET
def form_scan_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The agency's sealed copy of the scan of the pages signed in ink."""
    obj = get_request_for_user(request.user, reference)
    ink = InkSignature.objects.filter(request=obj).first()
    if ink is None:
        raise Http404("No ink signature is recorded for this request.")
    log_access(request, action=AccessLog.Action.DOWNLOAD_FORM, obj=obj, detail="ink scan I-918B")
    return _attachment(ink.sealed_scan_data, f"{obj.reference}-I-918B-ink-signed-scan.pdf")


@require_GET
def letter_pdf(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    if kind not in LetterTemplate.Kind.values or not letters.available(obj, kind):
        raise Http404("No such letter for this request.")
    if not perms.can_download_letter(obj, kind, request.user):
        raise PermissionDenied(_("This letter is for the department."))
    log_access(request, action=AccessLog.Action.DOWNLOAD_FORM, obj=obj, detail=f"letter {kind}")
    issued = issued_letters.latest_letter(obj, kind)
    if issued is not None:  # the letter as issued at its event, byte for byte
        return _attachment(issued_letters.letter_bytes(issued), f"{obj.reference}-{kind}.pdf")
    # Events from before letters were stored: dated the event's day all the same.
    return _attachment(
        letters.render_letter_pdf(
            obj,
            kind,
            language=issued_letters.letter_language(obj, kind),
            dated=letters.event_day(obj, kind),
        ),
        f"{obj.reference}-{kind}.pdf",
    )


@require_GET
def issued_letter_pdf(request: HttpRequest, reference: str, letter_id: int) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    letter = IssuedLetter.objects.filter(request=obj, pk=letter_id).first()
    if letter is None:
        raise Http404("No such letter for this request.")
    if not perms.can_download_letter(obj, letter.kind, request.user):
        raise PermissionDenied(_("This letter is for the department."))
    log_access(
        request, action=AccessLog.Action.DOWNLOAD_FORM, obj=obj, detail=f"letter {letter.pk}"
    )
    name = f"{obj.reference}-{letter.kind}-{letter.dated:%Y%m%d}-{letter.pk}.pdf"
    return _attachment(issued_letters.letter_bytes(letter), name)


@require_POST
def letter_delivery_record(request: HttpRequest, reference: str, letter_id: int) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    letter = IssuedLetter.objects.filter(request=obj, pk=letter_id).first()
    if letter is None:
        raise Http404("No such letter for this request.")
    if not perms.can_record_letter_delivery(obj, request.user):
        raise PermissionDenied(_("You may not do this on this request."))
    form = LetterDeliveryForm(request.POST, prefix=f"delivery-{letter.pk}")
    if not form.is_valid():
        messages.error(request, _("Say how, when and to whom the letter was delivered."))
        return redirect(obj)
    data = dict(form.cleaned_data)
    intent = data.pop("intent")
    return _run(
        request,
        obj,
        lambda: take_once(
            intent,
            kind=f"letter_delivery:{letter.pk}",
            actor=request.user,
            reference=obj.reference,
            call=lambda: issued_letters.record_delivery(letter=letter, actor=request.user, **data),
        ),
    )


def _run(request: HttpRequest, obj: object, call: object) -> HttpResponse:
    try:
        call()
    except errors.AlreadySubmitted as exc:
        messages.info(request, str(exc))
    except errors.WorkflowError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Recorded."))
    return redirect(obj)


@require_POST
def handover_record(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    form = HandoverForm(request.POST, prefix="handover")
    if not form.is_valid():
        messages.error(request, _("Say who received the original, when and how."))
        return redirect(obj)
    try:  # the reports chosen under Part 3 items 6-7, among the request's documents
        report_ids = [int(v) for v in request.POST.getlist("handover-report_ids")]
    except ValueError:
        messages.error(request, _("Choose reports among this request's documents."))
        return redirect(obj)
    return _run(
        request,
        obj,
        lambda: ink.request_record_handover(
            request=obj, actor=request.user, report_ids=report_ids, **form.cleaned_data
        ),
    )


@require_GET
def handover_checklist_pdf(request: HttpRequest, reference: str, handover_id: int) -> HttpResponse:
    """The checklist printed for the requester with the ink-signed original."""
    obj = get_request_for_user(request.user, reference)
    if not perms.can_see_issued_form(obj, request.user):
        raise PermissionDenied(_("This checklist goes with the issued form."))
    handover = OriginalHandover.objects.filter(pk=handover_id, issued_form__request=obj).first()
    if handover is None:
        raise Http404("No such hand-over for this request.")
    log_access(request, action=AccessLog.Action.DOWNLOAD_FORM, obj=obj, detail="checklist")
    return _attachment(
        handover_checklist.render_checklist_pdf(handover), f"{obj.reference}-checklist.pdf"
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: genuine / altered / unknown, with the agency, the issue and ink dates, the
    validity and withdrawal only."""
    verdict = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            if upload is not None:
                try:
                    verdict = verification.verify_pdf(upload.read())
                except pdf_sandbox.Busy:
                    response = render(
                        request,
                        "cases/verify.html",
                        {"form": form, "busy": True, "today": timezone.localdate()},
                        status=503,
                    )
                    response["Retry-After"] = "5"
                    return response
            else:
                verdict = verification.verify_code(form.cleaned_data["code"])
    else:
        form = VerifyForm()
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(
        request,
        "cases/verify.html",
        {
            "form": form,
            "verdict": verdict,
            "facts": verdict.facts() if verdict else {},
            "today": timezone.localdate(),
        },
        status=status,
    )


# --- forms issued with I-918B Part 4 backwards (cases/documents/corrections.py) ---


@require_GET
def form_corrected_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The corrected form, sealed, ready for the certifying official's ink signature."""
    obj = get_request_for_user(request.user, reference)
    if not perms.has_capability(request.user, perms.VIEW_ALL):
        raise PermissionDenied(_("The corrected form is for the department until it is signed."))
    correction = obj.form_corrections.exclude(corrected_sha256="").order_by("-pk").first()
    if correction is None:
        raise Http404("No corrected form for this request.")
    log_access(request, action=AccessLog.Action.DOWNLOAD_FORM, obj=obj, detail="corrected I-918B")
    return _attachment(correction.corrected_data, f"{obj.reference}-I-918B-corrected.pdf")


@require_POST
def form_correction(request: HttpRequest, reference: str) -> HttpResponse:
    """The certifying official voids and re-issues an unsigned wrong form, or records that the
    corrected form of a signed one was signed in ink and sent."""
    obj = get_request_for_user(request.user, reference)
    if request.POST.get("action") == "reissue":
        return _run(
            request,
            obj,
            lambda: corrections.request_reissue_corrected(request=obj, actor=request.user),
        )
    note = request.POST.get("note", "")
    if request.POST.get("action") != "resolve" or len(note) > 2000:
        messages.error(request, _("Say how the corrected form was signed and sent."))
        return redirect(obj)
    return _run(
        request,
        obj,
        lambda: corrections.request_resolve_signed(request=obj, actor=request.user, note=note),
    )
