"""Form fields rendered in Python: a whole USWDS form group, and the inputs of a radio or
checkbox group.

The template code these replace cost about half of the crime-check page's rendering: 31
categories and the statute choices, each with several template lookups, and eleven form groups
of about twenty lookups each (profiled at a million requests, docs/performance.md). The markup
is the same, byte for byte: ``tests/test_form_renderer.py`` compares ``form_group`` with the
template it replaced (kept as ``tests/fixtures/field_template_oracle.html``) for every field
of every form.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

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


_GROUP = '<div class="usa-form-group{}">\n  {}\n</div>\n'


def _required(field: Any) -> str:
    if not field.field.required:
        return ""
    return format_html(
        ' <abbr title="{}" class="usa-hint usa-hint--required">*</abbr>', gettext("required")
    )


def _error(field: Any) -> str:
    return format_html(
        '<span class="usa-error-message" id="{}-error" role="alert">{}</span>',
        field.auto_id,
        format_html_join(" ", "{}", ((error,) for error in field.errors)),
    )


@register.simple_tag
def form_group(field: Any) -> SafeString:
    """A bound field as a USWDS form group: its label (a legend for a group of choices), the
    required mark, hint, error and input (``templates/cases/includes/field.html``)."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", None)
    errors = bool(field.errors)
    if input_type == "radio" or (
        getattr(widget, "allow_multiple_selected", False) and input_type == "checkbox"
    ):
        described = format_html('aria-describedby="{}-error"', field.auto_id) if errors else ""
        inner = format_html(
            '\n  <fieldset class="usa-fieldset" {}>\n    <legend class="usa-legend">{}{}</legend>'
            "\n    {}\n    {}\n  </fieldset>\n  ",
            described,
            field.label,
            _required(field),
            _error(field) if errors else "",
            choice_inputs(field),
        )
    elif input_type == "checkbox":
        inner = format_html(
            '\n  <div class="usa-checkbox">\n    <input class="usa-checkbox__input" '
            'type="checkbox" name="{}" id="{}"{}>\n    <label class="usa-checkbox__label" '
            'for="{}">{}</label>\n  </div>\n  ',
            field.html_name,
            field.auto_id,
            _CHECKED if field.value() else "",
            field.auto_id,
            field.label,
        )
    else:
        hint = (
            format_html(
                '<div class="usa-hint" id="{}-hint">{}</div>', field.auto_id, field.help_text
            )
            if field.help_text
            else ""
        )
        inner = format_html(
            '\n  <label class="usa-label" for="{}">{}{}</label>\n  {}\n  {}\n  {}\n  ',
            field.auto_id,
            field.label,
            _required(field),
            hint,
            _error(field) if errors else "",
            field.as_widget(),
        )
    return format_html(_GROUP, " usa-form-group--error" if errors else "", inner)
