"""Forms for the workflow steps: one small form per transition, holding what the step needs."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.lib.names import user_name
from cases.models import (
    REQUESTER_STANDING_FIELDS,
    CertificationRequest,
    CertificationWithdrawalKind,
    CertifierDirectoryEntry,
    Language,
    RequesterCapacity,
    SharingConsent,
)
from cases.policy import decline_options
from cases.selectors import the_agency
from cases.uscis import formmap
from cases.uscis.trafficking import (
    FORM_CHOICE_HELP,
    Cooperation,
    TraffickingForm,
    cooperation_choices,
)

TEXT_LIMIT = 10_000


class UswdsMixin:
    """Give every widget the U.S. Web Design System class it needs."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.Textarea):
                css = "usa-textarea"
            elif isinstance(widget, forms.Select) and not isinstance(
                widget, forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                css = "usa-select"
            elif isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                continue
            else:
                css = "usa-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class UswdsForm(UswdsMixin, forms.Form):
    pass


def new_intent() -> str:
    """A one-time token for a form that creates something (cases/services/common.py
    ``claim_intent``): the page carries it, so the same page posted twice acts once."""
    return secrets.token_urlsafe(24)


def intent_field() -> forms.CharField:
    return forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=64, initial=new_intent
    )


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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked and cleaned
    by the document service like any upload."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


# How what the requester sent back reached the department (cases/services/information.py).
ANSWER_CHANNELS = [("mail", _("Mail")), ("email", _("E-mail")), ("in_person", _("In person"))]


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


TRANSITION_FORMS: dict[str, type[forms.Form] | None] = {
    "submit": None,
    "begin_crime_check": None,
    "confirm_qualifying_crime": NoteForm,
    "refer_not_qualifying": ReasonForm,
    "attest_helpfulness": NoteForm,
    "return_for_review": RequiredNoteForm,
    "certify": NoteForm,
    "decline": DeclineForm,
    "refer_to_agency": ReferralForm,
    "request_information": TextForm,
    "answer_information": TextForm,
    "issue_delay_notice": DelayNoticeForm,
    "withdraw": OptionalReasonForm,
    "withdraw_certification": WithdrawCertificationForm,
}


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


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


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


class FamilyMemberForm(UswdsForm):
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    middle_name = forms.CharField(label=_("Middle name"), max_length=100, required=False)
    relationship = forms.CharField(label=_("Relationship to the victim"), max_length=100)
    involvement = forms.CharField(
        label=_("Involvement in the criminal activity"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


FamilyMemberFormSet = forms.formset_factory(
    FamilyMemberForm, extra=1, can_delete=True, max_num=20, validate_max=True
)


YES_NO = [("yes", "Yes"), ("no", "No")]


class HelpfulnessForm(UswdsForm):
    """Part 4 (helpfulness) and Part 5 item 1, as the form asks them."""

    possesses_information = forms.ChoiceField(
        label=_(
            "Part 4, item 1. The victim possesses information concerning the criminal activity"
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    has_been_helpful = forms.ChoiceField(
        label=_(
            "Part 4, item 2. The victim has been, is being, or is likely to be helpful in the "
            "investigation and/or prosecution"
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    # Asked as the form asks it (I-918B Part 4 item 3): "Yes" means the victim refused.
    refused_or_failed = forms.ChoiceField(
        label=_(
            "Part 4, item 3. Since the initiation of cooperation, has the victim refused or "
            "failed to provide assistance reasonably requested in the investigation or "
            "prosecution?"
        ),
        help_text=_("A victim who has cooperated is answered “No”."),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    helpfulness_explanation = forms.CharField(
        label=_(
            "Part 4, explanation of items 1 to 3 (the box under item 3): the victim's "
            "helpfulness, what, when and how"
        ),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
    )
    helpfulness_other = forms.CharField(
        label=_("Part 4, item 4. Other: any additional information (optional)"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    family_members_implicated = forms.ChoiceField(
        label=_(
            "Part 5, item 1. Are any of the victim's family members believed to have been "
            "involved in the criminal activity?"
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )


class CooperationForm(UswdsForm):
    """Form I-914 Supplement B (T visa), Part 4 and Part 5 item 1: cooperation with any
    reasonable request, or the exception that applies, and its explanation."""

    cooperation = forms.ChoiceField(
        label=_("Part 4, item 1. Cooperation with any reasonable request for assistance"),
        choices=Cooperation.choices,
        widget=forms.RadioSelect,
        help_text=_("Choose an exception only if the victim did not cooperate because of it."),
    )
    cooperation_explanation = forms.CharField(
        label=_(
            "Part 4, item 2. Explain the victim's cooperation (what was asked, what the "
            "victim did), or why the exception applies"
        ),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
    )
    family_members_implicated = forms.ChoiceField(
        label=_(
            "Part 5, item 1. Are any of the victim's family members believed to have been "
            "involved in the trafficking?"
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    # Asked where the edition prints them (I-914B 02/27/17 Part C items 3, 6 and 7).
    fear_of_retaliation = forms.ChoiceField(
        label=_("Has the victim expressed any fear of retaliation or revenge if removed?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    fear_of_retaliation_explanation = forms.CharField(
        label=_("If yes, explain (what the victim said, and of whom)"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    investigation_started_on = forms.DateField(
        label=_("Date the investigation or prosecution was initiated"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if no investigation was opened: none is required."),
    )
    investigation_completed_on = forms.DateField(
        label=_("Date the investigation or prosecution was completed (if any)"),
        required=False,
        widget=DateInput(),
    )

    def __init__(self, *args: object, edition: Any = None, **kwargs: object) -> None:
        """The questions and answers of the request's edition, in its words: the cooperation
        answers it has boxes for, and the items only some editions print."""
        super().__init__(*args, **kwargs)
        if edition is None:
            return
        found = formmap.item_for_source(edition, "cooperation_box_0217") or (
            formmap.item_for_source(edition, "cooperation_box")
        )
        if found is not None:
            part, item = found
            self.fields["cooperation"].choices = cooperation_choices(item.options)
            self.fields["cooperation"].label = f"Part {part.name}, item {item.number}. " + str(
                _("Cooperation with any reasonable request for assistance")
            )
        if found is not None and found[0].letter:
            # A lettered edition (I-914B 02/27/17): every label in its own Part letters.
            for name, source in (
                ("cooperation_explanation", "cooperation_explanation"),
                ("family_members_implicated", "family_members_implicated_label"),
            ):
                self.fields[name].label = formmap.item_words(edition, source)
        for name, source in self.EDITION_ITEMS.items():
            words = formmap.item_words(edition, source)
            if not words:
                del self.fields[name]
            else:
                self.fields[name].label = words
        if "fear_of_retaliation_explanation" in self.fields:
            self.fields["fear_of_retaliation_explanation"].label = _("If yes, explain")

    EDITION_ITEMS = {
        "fear_of_retaliation": "fear_of_retaliation_text",
        "fear_of_retaliation_explanation": "fear_of_retaliation_text",
        "investigation_started_on": "investigation_started_on",
        "investigation_completed_on": "investigation_completed_on",
    }


# Crime-check questions of the I-918B that the I-914B does not ask.
OUTSIDE_I914B = (
    "occurred_in_us",
    "occurred_in_us_explanation",
    "extraterritorial",
    "extraterritorial_citation",
)


class CrimeCheckForm(UswdsForm):
    """The coordinator's Part 3 work."""

    categories = forms.MultipleChoiceField(
        label=_("Part 3, item 1. Qualifying criminal activity (tick all that apply)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    statutes = forms.MultipleChoiceField(
        label=_("Cited Massachusetts statutes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_statute_citations = forms.CharField(
        label=_("Part 3, item 3. Other statutory citations (optional)"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    case_status = forms.ChoiceField(
        label=_("Part 2, item 7. Case status"),
        choices=[
            ("", "Choose"),
            ("ongoing", "On-going"),
            ("completed", "Completed"),
            ("other", "Other"),
        ],
        required=False,
    )
    case_status_other = forms.CharField(
        label=_("Other case status"), required=False, max_length=200
    )
    fbi_or_sid_number = forms.CharField(
        label=_("Part 2, item 10. FBI or SID number (if any)"), required=False, max_length=50
    )
    occurred_in_us = forms.ChoiceField(
        label=_("Part 3, item 4.a. Did the criminal activity occur in the United States?"),
        choices=[("", "Choose"), *YES_NO],
        required=False,
    )
    occurred_in_us_explanation = forms.CharField(
        label=_("Part 3, item 4.b. Where"), required=False, max_length=TEXT_LIMIT
    )
    extraterritorial = forms.ChoiceField(
        label=_(
            "Part 3, item 5.a. Did it violate a federal extraterritorial-jurisdiction statute?"
        ),
        choices=[("", "Choose"), *YES_NO],
        required=False,
    )
    extraterritorial_citation = forms.CharField(
        label=_("Part 3, item 5.b. Citation"), required=False, max_length=300
    )
    crime_check_note = forms.CharField(
        label=_("Internal note on the check (optional)"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # I-914B 02/27/17 Part F: the supervisor of the certifying officer signs beside the officer;
    # the printed name is typed on the form. Asked only where the edition prints it.
    supervisor_name = forms.CharField(label=_("Printed Name of Supervisor"), max_length=200)

    def __init__(
        self,
        *args: object,
        categories: list,
        statutes: list,
        edition: Any = None,
        **kwargs: object,
    ):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [(c.code, c.name) for c in categories]
        self.fields["statutes"].choices = [(str(s.pk), str(s)) for s in statutes]
        words = formmap.item_words(edition, "supervisor_name")
        if words:
            self.fields["supervisor_name"].label = words
            self.fields["supervisor_name"].help_text = _(
                "The supervisor of the certifying official, who signs Part F in ink too."
            )
        else:
            del self.fields["supervisor_name"]

    def for_trafficking(self) -> None:
        """Form I-914 Supplement B: Part 3 item 1 names the severe forms of trafficking in
        persons (22 U.S.C. 7102); the I-918B's Items 4-5 (where it occurred) are not asked."""
        self.fields["categories"].choices = TraffickingForm.choices
        self.fields["categories"].label = (
            "Part 3, item 1. Severe form of trafficking in persons (tick all that apply; "
            "trafficking need only be one central reason for the crime, and no formal "
            "investigation or prosecution is required)"
        )
        self.fields["case_status"].label = "Part 2, item 8. Case status"
        for name in OUTSIDE_I914B:
            del self.fields[name]


class AssignForm(UswdsForm):
    detective = forms.ChoiceField(label=_("Detective"))

    def __init__(self, *args: object, detectives: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["detective"].choices = [("", "Choose a detective")] + [
            (str(d.pk), user_name(d)) for d in detectives
        ]


class QuestionForm(UswdsForm):
    text = forms.CharField(
        label=_("Your question for the coordinator"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


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
