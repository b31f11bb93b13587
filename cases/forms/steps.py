"""Forms for the workflow steps: one small form per transition, holding what the step needs
(cases/steps.py names the form of each step)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms.base import (
    ANSWER_CHANNELS,
    TEXT_LIMIT,
    MultipleFileField,
    UswdsForm,
)
from cases.models import (
    CertificationWithdrawalKind,
    CertifierDirectoryEntry,
)
from cases.policy import decline_options
from cases.selectors import the_agency


class NoteForm(UswdsForm):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea
    )


class RequiredNoteForm(UswdsForm):
    note = forms.CharField(
        label=_("What needs more review"), max_length=TEXT_LIMIT, widget=forms.Textarea
    )


class ReasonForm(UswdsForm):
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_LIMIT, widget=forms.Textarea)


class WithdrawCertificationForm(UswdsForm):
    """8 CFR 214.14(h)(2)(i)(A): withdraw the certification, or disavow its contents."""

    kind = forms.ChoiceField(
        label=_("Withdraw or disavow"),
        choices=CertificationWithdrawalKind.choices,
        required=False,
        initial=CertificationWithdrawalKind.WITHDRAW,
    )
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_LIMIT, widget=forms.Textarea)
    receipt_number = forms.CharField(
        label=_("USCIS receipt number of the petition (if known)"), required=False, max_length=20
    )


class OptionalReasonForm(UswdsForm):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea
    )


class TextForm(UswdsForm):
    text = forms.CharField(label=_("Text"), max_length=TEXT_LIMIT, widget=forms.Textarea)


class InformationReceivedForm(UswdsForm):
    """What came back from the requester of a request received outside the portal: how, what it
    said, and the documents, scanned."""

    channel = forms.ChoiceField(
        label=_("How it came back"), choices=[("", _("Choose")), *ANSWER_CHANNELS]
    )
    text = forms.CharField(
        label=_("What the requester sent or said"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
    )
    documents = MultipleFileField(
        label=_("Scanned documents (optional; PDF, JPEG or PNG)"), required=False
    )
    cache_fields = False  # a file input: rendered each time, never from the shared cache


class ReconsiderationForm(UswdsForm):
    """The requester's reasons to reconsider the denial, and documents that support them."""

    reasons = forms.CharField(
        label=_("Why the department should reconsider its denial"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
    )
    documents = MultipleFileField(
        label=_("Supporting documents (optional; PDF, JPEG or PNG)"), required=False
    )
    cache_fields = False  # a file input: rendered each time, never from the shared cache


class ReconsiderationReceivedForm(ReconsiderationForm):
    """A request for reconsideration that reached the department by mail, e-mail or in person."""

    channel = forms.ChoiceField(
        label=_("How it came"), choices=[("", _("Choose")), *ANSWER_CHANNELS]
    )
    field_order = ["channel", "reasons", "documents"]


def decline_choices() -> list[tuple[str, str]]:
    """The clauses of the written policy in force today (c. 258F s. 2), read per form, after an
    empty first choice."""
    return [("", "Choose a reason"), *decline_options(the_agency())]


class DeclineForm(UswdsForm):
    # Starts empty: the reason is cited in the denial letter (c. 258F s. 3(ii)), so it must be
    # chosen, never defaulted to the first criterion.
    reason = forms.ChoiceField(
        label=_("Policy reason (c. 258F s. 3(ii))"),
        choices=decline_choices,
        error_messages={"required": "Choose the reason from the department's policy."},
    )
    note = forms.CharField(
        label=_("Explanation for the letter"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
    )


def referral_choices() -> list[tuple[str, str]]:
    """The active entries of the department's directory of nearby certifiers, read per form."""
    entries = CertifierDirectoryEntry.objects.filter(agency=the_agency(), is_active=True)
    return [
        ("", "Choose the agency"),
        *((str(e.pk), f"{e.name} ({e.get_kind_display()})") for e in entries),
    ]


class ReferralForm(UswdsForm):
    """Refer to the agency with jurisdiction (c. 258F s. 3(ii): declined for lack of
    jurisdiction, without prejudice), forwarding the documents only with the victim's consent."""

    entry = forms.ChoiceField(
        label=_("Agency with jurisdiction (from the department's directory)"),
        choices=referral_choices,
        error_messages={"required": "Choose the agency from the department's directory."},
        help_text=_("Not listed? The coordinator or the Chief adds it under Certifier directory."),
    )
    reason = forms.CharField(
        label=_("Why the request belongs to that agency (quoted in the letter)"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
    )
    forward_method = forms.ChoiceField(
        label=_("Forward the request's documents to that agency"),
        choices=[
            ("", _("Do not forward (the requester sends the request there)")),
            ("mail", _("Forwarded by mail, with the cover letter")),
            ("hand", _("Forwarded by hand delivery, with the cover letter")),
        ],
        required=False,
        help_text=_(
            "Only with the victim's consent to sharing her information (8 U.S.C. 1367); "
            "without it nothing is forwarded."
        ),
    )
    cache_fields = False  # the directory's entries: rendered each time


class DelayNoticeForm(UswdsForm):
    reason = forms.CharField(
        label=_("Reason for the delay (outside the department's control)"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
    )
    process = forms.CharField(
        label=_("Process the department will follow"), max_length=TEXT_LIMIT, widget=forms.Textarea
    )
    projected_date = forms.DateField(
        label=_("Projected date of the answer"), widget=forms.DateInput(attrs={"type": "date"})
    )
    # Optional: the reason and the process in the requester's language, as a reviewed
    # translation (the letter quotes it; without one it says so and quotes the English).
    reason_translated = forms.CharField(
        label=_("Reason in the requester's language (a reviewed translation, optional)"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    process_translated = forms.CharField(
        label=_("Process in the requester's language (a reviewed translation, optional)"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    translation_reviewer = forms.CharField(
        label=_("Translation reviewed by"), required=False, max_length=200
    )
    translation_reviewed_on = forms.DateField(
        label=_("Translation reviewed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_projected_date(self):
        value = self.cleaned_data["projected_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("The projected date must be in the future."))
        return value
