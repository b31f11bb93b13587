"""Supplement B and letter downloads, the ink original, and the public verification page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import errors, issued_letters, services
from cases import permissions as perms
from cases.audit import log_access
from cases.documents import issuing, letters, verification
from cases.documents.forms import HandoverForm, LetterDeliveryForm, SignedScanForm, VerifyForm
from cases.models import AccessLog, IssuedForm, IssuedLetter, LetterTemplate
from cases.permissions import get_request_for_user


def _attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def form_draft_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    if not perms.can_see_draft(obj, request.user):
        raise PermissionDenied("The draft form is for the department.")
    log_access(request, action=AccessLog.Action.DOWNLOAD_FORM, obj=obj, detail="draft I-918B")
    return _attachment(issuing.draft_pdf(obj), f"{obj.reference}-I-918B-draft.pdf")


@require_GET
def form_signed_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    form = IssuedForm.objects.filter(request=obj).first()
    if form is None:
        raise Http404("No signed form for this request.")
    log_access(request, action=AccessLog.Action.DOWNLOAD_FORM, obj=obj, detail="signed I-918B")
    return _attachment(bytes(form.pdf), f"{obj.reference}-I-918B-signed.pdf")


@require_GET
def letter_pdf(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    if kind not in LetterTemplate.Kind.values or not letters.available(obj, kind):
        raise Http404("No such letter for this request.")
    if not perms.can_download_letter(obj, kind, request.user):
        raise PermissionDenied("This letter is for the department.")
    log_access(request, action=AccessLog.Action.DOWNLOAD_FORM, obj=obj, detail=f"letter {kind}")
    issued = issued_letters.latest_letter(obj, kind)
    if issued is not None:  # the letter as issued at its event, byte for byte
        return _attachment(issued_letters.letter_bytes(issued), f"{obj.reference}-{kind}.pdf")
    # Events from before letters were stored: dated the event's day all the same.
    return _attachment(
        letters.render_letter_pdf(obj, kind, dated=letters.event_day(obj, kind)),
        f"{obj.reference}-{kind}.pdf",
    )


@require_GET
def issued_letter_pdf(request: HttpRequest, reference: str, letter_id: int) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    letter = IssuedLetter.objects.filter(request=obj, pk=letter_id).first()
    if letter is None:
        raise Http404("No such letter for this request.")
    if not perms.can_download_letter(obj, letter.kind, request.user):
        raise PermissionDenied("This letter is for the department.")
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
        raise PermissionDenied("You may not do this on this request.")
    form = LetterDeliveryForm(request.POST, prefix=f"delivery-{letter.pk}")
    if not form.is_valid():
        messages.error(request, "Say how, when and to whom the letter was delivered.")
        return redirect(obj)
    return _run(
        request,
        obj,
        lambda: issued_letters.record_delivery(
            letter=letter, actor=request.user, **form.cleaned_data
        ),
    )


def _run(request: HttpRequest, obj: object, call: object) -> HttpResponse:
    try:
        call()
    except errors.WorkflowError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Recorded.")
    return redirect(obj)


@require_POST
def ink_scan_upload(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    form = SignedScanForm(request.POST, request.FILES, prefix="scan")
    if not form.is_valid():
        messages.error(request, "Choose the scanned file.")
        return redirect(obj)
    return _run(
        request,
        obj,
        lambda: services.request_record_signed_scan(
            request=obj, actor=request.user, upload=form.cleaned_data["file"]
        ),
    )


@require_POST
def handover_record(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    form = HandoverForm(request.POST, prefix="handover")
    if not form.is_valid():
        messages.error(request, "Say who received the original, when and how.")
        return redirect(obj)
    return _run(
        request,
        obj,
        lambda: services.request_record_handover(
            request=obj, actor=request.user, **form.cleaned_data
        ),
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: genuine / altered / unknown, with the agency, dates and withdrawal only."""
    verdict = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            if upload is not None:
                verdict = verification.verify_pdf(upload.read())
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
