"""Django's form renderer, with the plain widgets written out in Python.

Django renders every widget through a template: an input is three templates (``text.html``,
``input.html``, ``attrs.html``), a select one more per option. On the crime-check page the
nine plain fields cost about 4 ms a view, a quarter of the page (profiled at a million
requests, docs/performance.md). This renderer writes the same markup for the input, textarea
and select templates directly and hands every other template (radio and checkbox groups, file
inputs, form and error templates) to Django's.

The fast path is taken only for a template whose source is exactly the one written out here
(checked once, against the template Django would load), so a Django upgrade that changes
one of them, or a project template that overrides one, falls back to the template. Tests
compare the two renderings for every field of every form in the app
(tests/test_form_renderer.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

WIDGETS = "django/forms/widgets/"

# The sources written out below, as Django 5.2 ships them.
ATTRS_SOURCE = (
    "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
    "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}"
    "{% endfor %}"
)
INPUT_SOURCE = (
    '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %}'
    " value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
    '{% include "django/forms/widgets/attrs.html" %}>\n'
)
INPUT_ALIAS_SOURCE = '{% include "django/forms/widgets/input.html" %}\n'
TEXTAREA_SOURCE = (
    '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
    "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
)
SELECT_SOURCE = (
    '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
    "{% for group_name, group_choices, group_index in widget.optgroups %}{% if group_name %}\n"
    '  <optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}\n'
    "  {% include option.template_name with widget=option %}{% endfor %}{% if group_name %}\n"
    "  </optgroup>{% endif %}{% endfor %}\n"
    "</select>\n"
)
OPTION_SOURCE = (
    "<option value=\"{{ widget.value|stringformat:'s' }}\""
    '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n'
)
INPUT_ALIASES = (
    *("checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password"),
    *("search", "tel", "text", "time", "url"),
)


def text(value: Any) -> str:
    """``{{ value }}`` in an autoescaped template: local time, localized, escaped unless safe."""
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def attrs(attributes: Mapping[str, Any]) -> str:
    """``attrs.html``: `` name="value"`` each, a bare name for True, nothing for False."""
    return "".join(
        f" {text(name)}" if value is True else f' {text(name)}="{conditional_escape(value)}"'
        for name, value in attributes.items()
        if value is not False
    )


def input_html(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{shown}'
        f"{attrs(widget['attrs'])}>\n"
    )


def textarea_html(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{text(widget["name"])}"{attrs(widget["attrs"])}>\n'
        f"{text(value) if value else ''}</textarea>\n"
    )


def option_html(option: Mapping[str, Any]) -> str:
    return (
        f'<option value="{conditional_escape(option["value"])}"{attrs(option["attrs"])}>'
        f"{text(option['label'])}</option>\n"
    )


def select_html(widget: Mapping[str, Any]) -> str:
    parts = [f'<select name="{text(widget["name"])}"{attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != WIDGETS + "select_option.html":
                return ""  # an option of its own: the template renders the whole select
            parts.append("\n  " + option_html(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


class FastWidgetRenderer(DjangoTemplates):
    """``FORM_RENDERER``: Django's renderer, the plain widgets written in Python."""

    @cached_property
    def fast(self) -> dict[str, Callable[[Mapping[str, Any]], str]]:
        """The written-out widgets whose templates are unchanged (and attrs.html with them)."""
        expected = {
            "attrs.html": ATTRS_SOURCE,
            "input.html": INPUT_SOURCE,
            "textarea.html": TEXTAREA_SOURCE,
            "select.html": SELECT_SOURCE,
            "select_option.html": OPTION_SOURCE,
            **{f"{name}.html": INPUT_ALIAS_SOURCE for name in INPUT_ALIASES},
        }
        same = {name for name, source in expected.items() if self._source(name) == source}
        if not {"attrs.html", "input.html"} <= same:
            return {}
        found: dict[str, Callable[[Mapping[str, Any]], str]] = {
            WIDGETS + name: input_html
            for name in ("input.html", *(f"{alias}.html" for alias in INPUT_ALIASES))
            if name in same
        }
        if "textarea.html" in same:
            found[WIDGETS + "textarea.html"] = textarea_html
        if {"select.html", "select_option.html"} <= same:
            found[WIDGETS + "select.html"] = select_html
        return found

    def _source(self, name: str) -> str | None:
        template = self.get_template(WIDGETS + name)
        return getattr(getattr(template, "template", None), "source", None)

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        written = self.fast.get(template_name)
        if written is not None and "widget" in context:
            html = written(context["widget"])
            if html:
                # Stripped, as Django's renderer strips what a template gives.
                return mark_safe(html.strip())  # noqa: S308  # nosec B308 B703: values escaped
        return super().render(template_name, context, request)
