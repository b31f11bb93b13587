"""Forms of the documents pages: the ink signature, the hand-over, verification."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.forms import intent_field
from cases.models import CertifyingOfficial, LetterDelivery, OriginalHandover


class InkSignatureForm(forms.Form):
    """The ink signature as written on the printed form (the step "Record ink signature")."""

    # The signer list is read at each rendering, not kept with the cached empty forms.
    cache_fields = False

    signed_on = forms.DateField(
        label=_("Date written in Part 6 item 2 (Date of Signature)"),
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
    )
    signer = forms.ModelChoiceField(
        label=_("Signed in ink by"),
        queryset=CertifyingOfficial.objects.order_by("family_name", "given_name", "pk"),
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    # I-914B 02/27/17 Part F: the officer's supervisor signs and dates too (instructions,
    # Part F); the service asks for it where the request's form has that signature.
    supervisor_signed_on = forms.DateField(
        label=_("Date written by the supervisor in Part F (Form I-914 Supplement B 02/27/17)"),
        required=False,
        help_text=_("Only for a form the supervisor signs too; leave empty otherwise."),
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
    )
    scan = forms.FileField(label=_("Scan of the signed pages (PDF, JPEG or PNG)"))


class HandoverForm(forms.Form):
    received_by = forms.CharField(
        label=_("Received by (name and role)"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    received_on = forms.DateField(
        label=_("Date handed over"),
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
    )
    method = forms.ChoiceField(
        label=_("How"),
        choices=OriginalHandover.Method.choices,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    tracking_number = forms.CharField(
        label=_("Tracking number (mail or courier)"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
    )


class LetterDeliveryForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How"),
        choices=LetterDelivery.Method.choices,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    delivered_on = forms.DateField(
        label=_("Date delivered"),
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
    )
    recipient = forms.CharField(
        label=_("Delivered to"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    intent = intent_field()  # one delivery recorded for one "Record delivery"


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code (on the case page, and in the file's properties)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    file = forms.FileField(label=_("Or the PDF file"), required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        limit = settings.UVISA_MAX_VERIFY_BYTES
        if upload.size > limit:
            raise ValidationError(
                gettext("The file is larger than %(megabytes)s MB.")
                % {"megabytes": limit // (1024 * 1024)}
            )
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise ValidationError(gettext("This is not a PDF file."))
        return upload

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("code") and not data.get("file") and not self.errors:
            raise ValidationError(gettext("Enter a verification code or choose a PDF file."))
        return data
