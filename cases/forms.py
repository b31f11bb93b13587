"""Forms for the workflow steps: one small form per transition, holding what the step needs."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from cases.models import DeclineReason

TEXT_LIMIT = 10_000


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=TEXT_LIMIT, widget=forms.Textarea
    )


class RequiredNoteForm(forms.Form):
    note = forms.CharField(
        label="What needs more review", max_length=TEXT_LIMIT, widget=forms.Textarea
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=TEXT_LIMIT, widget=forms.Textarea)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)", required=False, max_length=TEXT_LIMIT, widget=forms.Textarea
    )


class TextForm(forms.Form):
    text = forms.CharField(label="Text", max_length=TEXT_LIMIT, widget=forms.Textarea)


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label="Policy reason (c. 258F s. 3(ii))", choices=DeclineReason.choices
    )
    note = forms.CharField(
        label="Explanation for the letter",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
    )


class DelayNoticeForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the delay (outside the department's control)",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
    )
    process = forms.CharField(
        label="Process the department will follow", max_length=TEXT_LIMIT, widget=forms.Textarea
    )
    projected_date = forms.DateField(
        label="Projected date of the answer", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_projected_date(self):
        value = self.cleaned_data["projected_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError("The projected date must be in the future.")
        return value


TRANSITION_FORMS: dict[str, type[forms.Form] | None] = {
    "submit": None,
    "begin_crime_check": None,
    "confirm_qualifying_crime": NoteForm,
    "refer_not_qualifying": ReasonForm,
    "attest_helpfulness": NoteForm,
    "return_for_review": RequiredNoteForm,
    "certify": NoteForm,
    "decline": DeclineForm,
    "request_information": TextForm,
    "answer_information": TextForm,
    "issue_delay_notice": DelayNoticeForm,
    "withdraw": OptionalReasonForm,
    "withdraw_certification": ReasonForm,
}
