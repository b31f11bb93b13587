"""Supplement B drafts and signed forms, decision letters, the ink original, public verification.

Downloads go through the access helper (404 outside the user's scope) and are sent as
attachments. The verification page needs no login and shows only non-identifying facts.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import certification, letters, services
from cases import permissions as perms
from cases.models import AccessLog, IssuedForm, LetterTemplate, OriginalHandover
from cases.permissions import get_request_for_user
from cases.security import log_access


def _attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def may_see_draft(obj: object, user: object) -> bool:
    """Department staff and the assigned detective; advocates get the letters and signed form."""
    return perms.has_capability(user, perms.VIEW_ALL) or perms.can_attest(obj, user)


@require_GET
def form_draft_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    if not may_see_draft(obj, request.user):
        raise PermissionDenied("The draft form is for the department.")
    log_access(request, action=AccessLog.Action.DOWNLOAD_FORM, obj=obj, detail="draft I-918B")
    return _attachment(certification.draft_pdf(obj), f"{obj.reference}-I-918B-draft.pdf")


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
    if not letters.may_download(obj, kind, request.user):
        raise PermissionDenied("This letter is for the department.")
    log_access(request, action=AccessLog.Action.DOWNLOAD_FORM, obj=obj, detail=f"letter {kind}")
    return _attachment(letters.render_letter_pdf(obj, kind), f"{obj.reference}-{kind}.pdf")


class SignedScanForm(forms.Form):
    file = forms.FileField(label="Scan of the page the Chief signed in ink (PDF, JPEG or PNG)")


class HandoverForm(forms.Form):
    received_by = forms.CharField(
        label="Received by (name and role)",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    received_on = forms.DateField(
        label="Date handed over",
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
    )
    method = forms.ChoiceField(
        label="How",
        choices=OriginalHandover.Method.choices,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
    )


def _run(request: HttpRequest, obj: object, call: object) -> HttpResponse:
    try:
        call()
    except services.WorkflowError as exc:
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
        lambda: certification.form_record_signed_scan(
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
        lambda: certification.form_record_handover(
            request=obj, actor=request.user, **form.cleaned_data
        ),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Verification code (printed at the foot of every page)",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    file = forms.FileField(label="Or the PDF file", required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        limit = settings.UVISA_MAX_VERIFY_BYTES
        if upload.size > limit:
            raise ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB.")
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise ValidationError("This is not a PDF file.")
        return upload

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("code") and not data.get("file") and not self.errors:
            raise ValidationError("Enter a verification code or choose a PDF file.")
        return data


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
                verdict = certification.verify_pdf(upload.read())
            else:
                verdict = certification.verify_code(form.cleaned_data["code"])
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
