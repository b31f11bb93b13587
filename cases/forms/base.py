"""What every form of the application shares: the USWDS classes, the size limit of a text,
the one-time token of a form (``SubmittedIntent``), several files in one field, dates."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


YES_NO = [("yes", "Yes"), ("no", "No")]
