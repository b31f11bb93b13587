"""Forms of a request as the requester sends it: the portal's request by sections (Part 1 and
the incident), who is asking, its documents, the staff's entry of a request received outside
the portal, and the public status page's question."""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms.base import (
    TEXT_LIMIT,
    DateInput,
    UswdsForm,
    UswdsMixin,
    intent_field,
)
from cases.models import (
    REQUESTER_STANDING_FIELDS,
    CertificationRequest,
    Language,
    RequesterCapacity,
    SharingConsent,
)
from cases.uscis.trafficking import (
    FORM_CHOICE_HELP,
)

# --- the advocate's request, in the form's sections ---


def requester_standing_fields() -> dict[str, forms.Field]:
    """Who asks, in what capacity, with the credential the capacity needs, and the victim's
    answer on sharing (8 U.S.C. 1367): the same questions at intake and on the portal. Made
    after UswdsMixin styled the form's own fields, so the text inputs carry their class here."""

    def optional_text(label: str, max_length: int) -> forms.CharField:
        return forms.CharField(
            label=label,
            required=False,
            max_length=max_length,
            widget=forms.TextInput(attrs={"class": "usa-input"}),
        )

    return {
        "requester_capacity": forms.ChoiceField(
            label=_("In what capacity the requester asks"),
            choices=RequesterCapacity.choices,
            widget=forms.RadioSelect,
        ),
        "requester_bar_number": optional_text(_("Attorney: bar number"), 40),
        "requester_bar_state": optional_text(
            _("Attorney: state of bar admission (two letters, e.g. MA)"), 2
        ),
        "requester_accreditation": optional_text(
            _("Accredited representative: DOJ/EOIR recognised organisation and accreditation"), 200
        ),
        "requester_relationship": optional_text(
            _("Family member: relationship to the victim"), 100
        ),
        "victim_sharing_consent": forms.ChoiceField(
            label=_(
                "Does the victim consent to the department sharing her information with the "
                "requester and outside the department?"
            ),
            help_text=_(
                "8 U.S.C. 1367. Without her consent nothing about her leaves the department: "
                "no hand-over of the signed form, no portal organisation given the request."
            ),
            choices=SharingConsent.choices,
            widget=forms.RadioSelect,
        ),
    }


def clean_bar_state(value: str) -> str:
    return (value or "").strip().upper()


SECTIONS = [
    (
        "victim",
        "Part 1. The victim",
        [
            "form_type",
            "family_name",
            "given_name",
            "middle_name",
            "other_family_name",
            "other_given_name",
            "other_middle_name",
            "more_other_names",
            "date_of_birth",
            "gender",
            "a_number",
            "preferred_language",
            "uscis_receipt_number",
        ],
    ),
    (
        "incident",
        "The incident and the police report",
        [
            "report_number",
            "incident_date",
            "additional_incident_dates",
            "incident_location",
        ],
    ),
    (
        "what_happened",
        "What happened, and the injuries",
        [
            "criminal_activity_description",
            "injury_description",
        ],
    ),
    ("helpfulness", "Helpfulness so far", ["advocate_helpfulness_note"]),
    (
        "requester",
        "Who is asking, and the victim's consent to sharing",
        REQUESTER_STANDING_FIELDS,
    ),
    (
        "expedited",
        "Expedited handling",
        [
            "expedited",
            "expedited_reason",
            "age_out_date",
            "expedited_note",
        ],
    ),
]


class RequestForm(UswdsMixin, forms.ModelForm):
    """The advocate's sections of the request (Part 1 and the incident as they know it)."""

    a_number = forms.CharField(
        label=_("A-Number (if any)"), required=False, max_length=20, help_text=_("e.g. A-123456789")
    )
    intent = intent_field()
    additional_incident_dates = forms.CharField(
        label=_("Other dates of the criminal activity (optional)"),
        help_text=_("mm/dd/yyyy, separated by commas"),
        required=False,
        max_length=200,
    )
    # One of the letter languages (no blank choice offered): it decides every letter's language.
    # A post without it (a script, an old page) means English.
    preferred_language = forms.ChoiceField(
        label=_("Language for the department's letters (sent with English)"),
        choices=Language.choices,
        initial=Language.ENGLISH,
        required=False,
    )

    def clean_preferred_language(self) -> str:
        return self.cleaned_data.get("preferred_language") or Language.ENGLISH

    def clean_requester_bar_state(self) -> str:
        return clean_bar_state(self.cleaned_data.get("requester_bar_state", ""))

    class Meta:
        model = CertificationRequest
        fields = [name for _key, _title, names in SECTIONS for name in names]
        widgets = {
            "date_of_birth": DateInput(),
            "incident_date": DateInput(),
            "age_out_date": DateInput(),
        }
        labels = {
            "preferred_language": "Language for the department's letters (sent with English)",
            "uscis_receipt_number": "USCIS receipt number of the petition (if known)",
            "a_number": "A-Number (if any)",
            "family_name": "Family name (last name)",
            "given_name": "Given name (first name)",
            "middle_name": "Middle name",
            "other_family_name": "Other family name used",
            "other_given_name": "Other given name used",
            "other_middle_name": "Other middle name used",
            "more_other_names": "More names used (optional)",
            "report_number": "Police report or case number",
            "incident_date": "Date of the criminal activity",
            "incident_location": "Where it happened",
            "criminal_activity_description": "What happened",
            "injury_description": "Known or documented injuries",
            "advocate_helpfulness_note": "How the victim has helped the police so far",
            "expedited": "Ask for expedited handling",
            "expedited_note": "Details (hearing date, detention facility, ...)",
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        dates = self.instance.additional_incident_dates or []
        self.initial["additional_incident_dates"] = ", ".join(_us_date(d) for d in dates)
        # A draft needs the names only; the incident date is needed to submit (the condition
        # of the submit step), so a draft can be saved while the advocate finds it out.
        for name in ("family_name", "given_name"):
            self.fields[name].required = True
        self.fields.update(requester_standing_fields())
        self.fields["requester_capacity"].label = _("In what capacity you ask")
        self.fields["incident_date"].help_text = "Needed before you submit the request."
        if "form_type" in self.fields:  # U or T: the difference in plain words
            self.fields["form_type"].label = "Which form the victim needs"
            self.fields["form_type"].help_text = FORM_CHOICE_HELP
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is None:
                field.max_length = TEXT_LIMIT

    def sections(self) -> list[dict]:
        return [
            {"id": key, "title": title, "fields": [self[name] for name in names]}
            for key, title, names in SECTIONS
        ]

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return value

    def clean_incident_date(self):
        value = self.cleaned_data.get("incident_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                _("The date of the criminal activity cannot be in the future.")
            )
        return value

    def clean_a_number(self):
        value = self.cleaned_data.get("a_number", "").upper().replace("A", "").replace("-", "")
        value = value.replace(" ", "")
        if value and not (value.isdigit() and 7 <= len(value) <= 9):
            raise forms.ValidationError(_("An A-Number has 7 to 9 digits, e.g. A-123456789."))
        return value.zfill(9) if value else ""

    def clean_additional_incident_dates(self):

        raw = self.cleaned_data.get("additional_incident_dates", "")
        dates = []
        for part in [p.strip() for p in raw.split(",") if p.strip()]:
            try:
                day = datetime.strptime(part, "%m/%d/%Y").date()
            except ValueError:
                raise forms.ValidationError(
                    _("“%(part)s” is not a date like 03/14/2025.") % {"part": part}
                ) from None
            if day > timezone.localdate():
                raise forms.ValidationError(_("%(part)s is in the future.") % {"part": part})
            dates.append(day.isoformat())
        return dates

    def clean(self):
        data = super().clean()
        if data.get("expedited") and not data.get("expedited_reason"):
            self.add_error("expedited_reason", _("Say why the request should be expedited."))
        if data.get("expedited_reason") == "age_out" and not data.get("age_out_date"):
            self.add_error("age_out_date", _("Give the date the family member ages out."))
        return data


def _us_date(iso: str) -> str:

    try:
        return date.fromisoformat(iso).strftime("%m/%d/%Y")
    except ValueError:
        return iso


class DocumentForm(UswdsForm):
    kind = forms.ChoiceField(label=_("What is it"))
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))

    def __init__(self, *args: object, kinds: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds


class StaffEntryForm(RequestForm):
    """The requester-supplied items of a request received outside the portal, as the
    coordinator enters them from what was sent (cases/services/staff_entry.py)."""

    seen = forms.CharField(widget=forms.HiddenInput, max_length=64)

    class Meta(RequestForm.Meta):
        fields = [name for name in RequestForm.Meta.fields if name != "form_type"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["intent"]  # a correction of one request: the fingerprint guards it
        self.fields["incident_date"].required = True
        self.fields["incident_date"].help_text = ""
        self.fields["preferred_language"].label = "Language for the department's letters"
        self.fields["requester_capacity"].label = _("In what capacity the requester asks")
        self.fields[
            "advocate_helpfulness_note"
        ].label = "How the victim has helped the police so far (as the requester says)"

    def sections(self) -> list[dict]:
        return [
            {"id": key, "title": title, "fields": [self[n] for n in names if n in self.fields]}
            for key, title, names in SECTIONS
        ]


class StatusLookupForm(forms.Form):
    """The public status page's question: the reference and the code printed in the
    acknowledgement letter, and the language of the answer's words."""

    reference = forms.CharField(
        label=_("Request reference (for example MPD-UV-2026-0007)"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"class": "usa-input", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    code = forms.CharField(
        label=_("Status code (12 letters and digits, in the acknowledgement letter)"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"class": "usa-input", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the answer"),
        choices=Language.choices,
        initial=Language.ENGLISH,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
