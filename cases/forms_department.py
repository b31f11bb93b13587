"""Forms of the department's own records: designations, the written policy, intake, warnings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cases.forms import (
    TEXT_LIMIT,
    DateInput,
    UswdsForm,
    clean_bar_state,
    intent_field,
    requester_standing_fields,
)
from cases.lib.names import user_name
from cases.models import CertifierDirectoryEntry, Channel, Document, FormType, Gender, Language
from cases.roles import CHIEF


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{user_name(obj)} ({obj.get_username()})"


class DesignationForm(UswdsForm):
    """8 CFR 214.14(a)(3): a supervisor the head designates in writing."""

    user = AccountChoiceField(
        label=_("Account of the designee"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Choose an account"),
    )
    family_name = forms.CharField(label=_("Family name (Part 2, Item 2.a)"), max_length=100)
    given_name = forms.CharField(label=_("Given name (Part 2, Item 2.b)"), max_length=100)
    middle_name = forms.CharField(label=_("Middle name"), max_length=100, required=False)
    title = forms.CharField(
        label=_("Supervisory title and division (Part 2, Item 3)"),
        max_length=200,
        help_text=_("e.g. Lieutenant, Family Services Unit"),
    )
    designated_on = forms.DateField(label=_("Effective from"), widget=DateInput())
    expires_on = forms.DateField(
        label=_("Effective until (optional)"), required=False, widget=DateInput()
    )
    document = forms.FileField(label=_("Written designation, signed (PDF, JPEG or PNG)"))
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(is_active=True, groups__name=CHIEF)
            .order_by("last_name", "first_name", "username")
        )


class HeadAppointForm(UswdsForm):
    """8 CFR 214.14(a)(3): the head hands the office to a successor (Part 2, Item 4)."""

    prefix = "head"  # shares the page with the designation form

    user = AccountChoiceField(
        label=_("Account of the new head"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Choose an account"),
    )
    family_name = forms.CharField(label=_("Family name (Part 2, Item 4.a)"), max_length=100)
    given_name = forms.CharField(label=_("Given name (Part 2, Item 4.b)"), max_length=100)
    middle_name = forms.CharField(
        label=_("Middle name (Part 2, Item 4.c)"), max_length=100, required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("e.g. Chief of Police"))
    effective_on = forms.DateField(label=_("Takes office on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea
    )

    def __init__(self, *args: Any, exclude: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accounts = get_user_model().objects.filter(is_active=True, groups__name=CHIEF)
        if exclude is not None:
            accounts = accounts.exclude(pk=exclude.pk)
        self.fields["user"].queryset = accounts.order_by(  # type: ignore[attr-defined]
            "last_name", "first_name", "username"
        )


class RevokeForm(UswdsForm):
    revoked_on = forms.DateField(label=_("Revoked from"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea
    )


class AuthorisedOnForm(UswdsForm):
    on = forms.DateField(label=_("Who could sign on"), widget=DateInput())


class PolicyAdoptForm(UswdsForm):
    """A new version of the written policy (c. 258F s. 2)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    effective_on = forms.DateField(label=_("In force from"), widget=DateInput())
    preamble = forms.CharField(
        label=_("Introduction"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea
    )
    clauses = forms.CharField(
        label=_("Clauses"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "One block per clause, separated by an empty line: “1. Heading” on the first "
            "line (optionally “1. [code] Heading”), the clause's text below. A denial cites one."
        ),
    )


class ClauseTranslationForm(UswdsForm):
    """A clause of a policy version in a letter language, as a qualified translator reviewed it
    (c. 258F s. 3(ii): letters quote it in the requester's language)."""

    clause = forms.ChoiceField(label=_("Clause"))
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", "Choose a language")]
        + [(value, label) for value, label in Language.choices if value != Language.ENGLISH],
    )
    heading = forms.CharField(label=_("Heading in that language"), max_length=200)
    text = forms.CharField(
        label=_("Text of the clause in that language"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reviewer_name = forms.CharField(
        label=_("Translator who reviewed it (name and qualification)"), max_length=200
    )
    reviewed_on = forms.DateField(label=_("Day it was reviewed"), widget=DateInput())

    def __init__(self, *args: Any, clauses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clause"].choices = [("", "Choose a clause"), *clauses]


class IntakeForm(UswdsForm):
    """A request received by mail, e-mail, fax, in person or without an account (c. 258F s. 3)."""

    channel = forms.ChoiceField(
        label=_("How the request was received"),
        choices=[("", "Choose a channel")] + [c for c in Channel.choices if c[0] != Channel.PORTAL],
    )
    received_on = forms.DateField(label=_("Date the department received it"), widget=DateInput())
    late_entry_reason = forms.CharField(
        label=_("Why it is entered after that date (required if earlier than today)"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    requester_name = forms.CharField(label=_("Requester's name"), max_length=200)
    requester_organization = forms.CharField(
        label=_("Requester's organisation (optional)"), required=False, max_length=200
    )
    requester_address = forms.CharField(
        label=_("Postal address"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    requester_email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)
    requester_phone = forms.CharField(label=_("Phone"), required=False, max_length=50)
    # The letter languages: the acknowledgement and every later letter go in this language,
    # with the English attached (docs/translation.md).
    requester_language = forms.ChoiceField(
        label=_("Preferred language for the letters (sent with English)"),
        choices=Language.choices,
        initial=Language.ENGLISH,
    )
    form_type = forms.ChoiceField(
        label=_("Which form the requester needs"),
        choices=FormType.choices,
        initial=FormType.U_VISA,
        required=False,
    )
    family_name = forms.CharField(label=_("Victim's family name (last name)"), max_length=100)
    given_name = forms.CharField(label=_("Victim's given name (first name)"), max_length=100)
    middle_name = forms.CharField(label=_("Victim's middle name"), required=False, max_length=100)
    date_of_birth = forms.DateField(
        label=_("Victim's date of birth"), required=False, widget=DateInput()
    )
    gender = forms.ChoiceField(
        label=_("Victim's gender (Part 1)"),
        choices=[("", _("Not given")), *Gender.choices],
        required=False,
    )
    a_number = forms.CharField(label=_("A-Number (if any)"), required=False, max_length=20)
    report_number = forms.CharField(
        label=_("Police report or case number"), required=False, max_length=50
    )
    incident_date = forms.DateField(label=_("Date of the criminal activity"), widget=DateInput())
    criminal_activity_description = forms.CharField(
        label=_("What happened (as the requester describes it)"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    document_kind = forms.ChoiceField(
        label=_("Scanned document: what is it"), choices=Document.Kind.choices, required=False
    )
    document = forms.FileField(label=_("Scanned document (optional)"), required=False)
    intent = intent_field()

    VICTIM_FIELDS = (
        "form_type",
        "family_name",
        "given_name",
        "middle_name",
        "date_of_birth",
        "gender",
        "a_number",
        "report_number",
        "incident_date",
        "criminal_activity_description",
    )
    REQUESTER_FIELDS = (
        "requester_name",
        "requester_organization",
        "requester_address",
        "requester_email",
        "requester_phone",
    )
    # On the request itself (portal requests ask the same): capacity, credential, consent.
    STANDING_FIELDS = tuple(requester_standing_fields())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(requester_standing_fields())

    def clean_requester_bar_state(self) -> str:
        return clean_bar_state(self.cleaned_data.get("requester_bar_state", ""))

    def clean_form_type(self) -> str:
        return self.cleaned_data.get("form_type") or FormType.U_VISA

    def clean_a_number(self) -> str:
        value: str = self.cleaned_data["a_number"]
        digits = "".join(c for c in value if c.isdigit())
        if value.strip() and not 7 <= len(digits) <= 9:
            raise forms.ValidationError(_("An A-Number has 7 to 9 digits."))
        return digits


class LinkOrganizationForm(UswdsForm):
    organization = forms.ModelChoiceField(
        label=_("Portal organisation"), queryset=None, empty_label=_("Choose an organisation")
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class AcknowledgeForm(UswdsForm):
    codes = forms.MultipleChoiceField(
        label=_("I have read each warning and still intend to certify"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, warnings: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = warnings


class DepartmentTextForm(UswdsForm):
    """The department's own text of one attested Supplement B item, by the item's kind."""

    def __init__(self, *args: Any, item: Any, initial_value: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        label = f"Part {item.part}, Item {item.number}. {item.label}"
        field: forms.Field
        initial: Any = initial_value
        if item.kind == "date":
            field = forms.DateField(label=label, widget=DateInput())
            try:
                initial = datetime.strptime(initial_value or "", "%m/%d/%Y").date()
            except ValueError:
                initial = None
        elif item.kind in ("choice", "yesno"):
            options = item.options or ("Yes", "No")
            field = forms.ChoiceField(
                label=label, choices=[(o, o) for o in options], widget=forms.RadioSelect
            )
        elif item.kind == "checkboxes":
            field = forms.MultipleChoiceField(
                label=label,
                choices=[(o, o) for o in item.options],
                widget=forms.CheckboxSelectMultiple,
            )
        elif item.kind == "rows":
            field = forms.CharField(
                label=label,
                widget=forms.Textarea,
                help_text=_("One person a line: full name | relationship | involvement"),
            )
            initial = "\n".join(
                " | ".join(row.get(k, "") for k in ("name", "relationship", "involvement"))
                for row in initial_value or []
            )
        else:
            field = forms.CharField(
                label=label,
                max_length=TEXT_LIMIT,
                widget=forms.Textarea if item.kind == "long" else forms.TextInput,
            )
        field.required = item.required
        field.initial = initial
        self.fields["value"] = field
        # UswdsMixin styled the fields known at construction; this one is added after.
        widget = field.widget
        if isinstance(widget, forms.Textarea):
            widget.attrs["class"] = "usa-textarea"
        elif not isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            widget.attrs["class"] = "usa-input"

    def clean_value(self) -> Any:
        value = self.cleaned_data["value"]
        if self.item.kind == "rows":
            rows = []
            for line in (value or "").splitlines():
                if not line.strip():
                    continue
                cells = [c.strip() for c in line.split("|")]
                if len(cells) != 3:
                    raise forms.ValidationError(
                        _("Write each person as: full name | relationship | involvement.")
                    )
                rows.append(dict(zip(("name", "relationship", "involvement"), cells, strict=True)))
            return rows
        return value


class DirectoryEntryForm(UswdsForm):
    """A nearby certifier in the department's directory (cases/services/referral.py)."""

    name = forms.CharField(label=_("Agency name"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Choose")), *CertifierDirectoryEntry.Kind.choices]
    )
    jurisdiction = forms.CharField(
        label=_("Jurisdiction: the towns or the area it covers"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unit = forms.CharField(
        label=_("Unit or office that takes certification requests"), max_length=200, required=False
    )
    mailing_address = forms.CharField(
        label=_("Mailing address"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Write only what you have confirmed; otherwise the town and “confirm before use”."
        ),
    )
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
