"""Forms of the department's review pages: the qualifying-crime check (Part 3), the
detective's helpfulness or cooperation (Part 4) and family members (Part 5), assigning a
detective and asking the coordinator a question."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms.base import (
    TEXT_LIMIT,
    YES_NO,
    DateInput,
    UswdsForm,
)
from cases.lib.names import user_name
from cases.uscis import formmap
from cases.uscis.trafficking import (
    Cooperation,
    TraffickingForm,
    cooperation_choices,
)


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
