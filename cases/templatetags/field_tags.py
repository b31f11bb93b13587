"""The inputs of a radio or checkbox group, rendered in Python.

The template loop this replaces (``templates/cases/includes/field.html``) cost about half of
the crime-check page's rendering: 31 categories and the statute choices, each with several
template lookups (issue 19). The markup is the same.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_CHOICE = (
    '<div class="usa-{0}">\n'
    '      <input class="usa-{0}__input" type="{1}" name="{2}" id="{3}" value="{4}"{5}>\n'
    '      <label class="usa-{0}__label" for="{3}">{6}</label>\n'
    "    </div>\n    "
)
_CHECKED = mark_safe(" checked")  # nosec B308 B703: a constant


@register.filter
def choice_inputs(field: Any) -> SafeString:
    """One ``usa-radio`` or ``usa-checkbox`` per choice of ``field`` (a bound field)."""
    input_type = field.field.widget.input_type
    kind = "radio" if input_type == "radio" else "checkbox"
    return format_html_join(
        "",
        _CHOICE,
        (
            (
                kind,
                input_type,
                field.html_name,
                choice.id_for_label,
                choice.data["value"],
                _CHECKED if choice.data["selected"] else "",
                choice.choice_label,
            )
            for choice in field
        ),
    ) or SafeString("")
