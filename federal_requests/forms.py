"""Forms of the federal-request log: every refusal comes back as a message on the form."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federal_requests.models import Agency, Entry, EntryDocument, TaskForce

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class UswdsMixin:
    """Give every widget the U.S. Web Design System class it needs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():  # type: ignore[attr-defined]
            widget = form_field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.Textarea):
                css = "usa-textarea"
            elif isinstance(widget, forms.Select):
                css = "usa-select"
            elif isinstance(widget, forms.ClearableFileInput):
                css = "usa-file-input"
            else:
                css = "usa-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# The sections follow the paper: what came, what was done, who it was about.
ENTRY_SECTIONS = [
    (
        "request",
        "The request",
        ["received_at", "agency", "agency_other", "kind", "kind_other", "judicial_warrant"],
    ),
    (
        "response",
        "The department's response",
        [
            "response",
            "response_explanation",
            "information_given",
            "information_description",
            "legal_basis",
        ],
    ),
    (
        "custody",
        "Person in custody (Sec. 50-103(e))",
        ["in_custody", "copy_given_on", "copy_given_by"],
    ),
    (
        "person",
        "The person (encrypted; shown only on this entry's page)",
        [
            "person_name",
            "person_date_of_birth",
            "person_address",
            "person_identifiers",
            "agency_reference",
            "notes",
        ],
    ),
]


class EntryForm(UswdsMixin, forms.ModelForm):
    class Meta:
        model = Entry
        fields = [name for _key, _title, names in ENTRY_SECTIONS for name in names]
        widgets = {
            "received_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_FORMAT
            ),
            "copy_given_on": DateInput(),
            "person_date_of_birth": DateInput(),
            "response_explanation": forms.Textarea(attrs={"rows": 3}),
            "information_description": forms.Textarea(attrs={"rows": 3}),
            "person_address": forms.Textarea(attrs={"rows": 3}),
            "person_identifiers": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_at"].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        self.fields["legal_basis"].choices = [("", "None (no information given)")] + [
            c for c in self.fields["legal_basis"].choices if c[0]
        ]
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault(
                "received_at", timezone.localtime().replace(second=0, microsecond=0)
            )

    def sections(self) -> list[dict[str, Any]]:
        return [
            {"id": key, "title": heading, "fields": [self[name] for name in names]}
            for key, heading, names in ENTRY_SECTIONS
        ]


class CopyForm(UswdsMixin, forms.Form):
    copy_given_on = forms.DateField(label=_("Date the copy was given"), widget=DateInput())
    copy_given_by = forms.CharField(label=_("Given by (name and badge number)"), max_length=150)


class DocumentForm(UswdsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What is it"), choices=EntryDocument.Kind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class TaskForceForm(UswdsMixin, forms.ModelForm):
    federal_agencies = forms.MultipleChoiceField(
        label=_("Federal immigration agencies taking part"),
        choices=Agency.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = TaskForce
        fields = ["name", "description", "federal_agencies", "participation"]
        fields += ["started_on", "ended_on"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "participation": forms.Textarea(attrs={"rows": 3}),
            "started_on": DateInput(),
            "ended_on": DateInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["federal_agencies"] = self.instance.agency_codes

    def clean_federal_agencies(self) -> str:
        return ",".join(self.cleaned_data["federal_agencies"])


class DisclosureForm(UswdsMixin, forms.Form):
    disclosure = forms.ChoiceField(
        label=_("May this task force be named in the public report?"),
        choices=[
            (TaskForce.Disclosure.DISCLOSE, TaskForce.Disclosure.DISCLOSE.label),
            (TaskForce.Disclosure.WITHHOLD, TaskForce.Disclosure.WITHHOLD.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (internal)"), required=False, max_length=5_000, widget=forms.Textarea
    )


DOCKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./#-]{0,49}$")


class SubmissionForm(UswdsMixin, forms.Form):
    submitted_on = forms.DateField(label=_("Date sent to the Mayor"), widget=DateInput())
    docket_number = forms.CharField(label=_("City Council docket number"), max_length=50)

    def __init__(self, *args: Any, period_last_day: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.period_last_day = period_last_day

    def clean_submitted_on(self) -> Any:
        value = self.cleaned_data["submitted_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("This date cannot be in the future."))
        if self.period_last_day and value <= self.period_last_day:
            raise forms.ValidationError(_("The report is sent after the period ends."))
        return value

    def clean_docket_number(self) -> str:
        value = self.cleaned_data["docket_number"].strip()
        if not DOCKET.match(value):
            raise forms.ValidationError(
                _("Use letters, digits, spaces and . / # - only (at most 50).")
            )
        return value
