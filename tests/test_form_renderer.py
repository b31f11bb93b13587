"""The Python-written widgets and form groups give byte for byte what the templates they
replaced give (Django's widget templates; our USWDS form group)."""

from __future__ import annotations

import datetime
import importlib
import pkgutil
import random
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template import engines
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

import cases
from cases.lib.form_renderer import WIDGETS, FastWidgetRenderer

TEMPLATES = DjangoTemplates()
FAST = FastWidgetRenderer()


def both(form: forms.BaseForm) -> list[tuple[str, str, str]]:
    """(field name, Django's rendering, the fast renderer's) for every field of ``form``."""
    out = []
    for name in form.fields:
        form.renderer = TEMPLATES
        expected = str(form[name])
        form.renderer = FAST
        out.append((name, expected, str(form[name])))
    return out


def test_the_app_renders_forms_with_the_fast_renderer() -> None:
    assert isinstance(get_default_renderer(), FastWidgetRenderer)


def assert_same(form: forms.BaseForm) -> None:
    for name, expected, got in both(form):
        assert got == expected, name


CHOICES = [
    ("", "---------"),
    ("a", "A & B"),
    (3, mark_safe("<b>safe</b>")),
    ("Group <1>", [("x", 'X "quoted"'), ("y", gettext_lazy("Yes"))]),
]


class EveryWidget(forms.Form):
    text = forms.CharField(
        max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off", "data-x": '"<>&'})
    )
    optional = forms.CharField(required=False, help_text="Help <i>")
    email = forms.EmailField()
    number = forms.IntegerField(min_value=0)
    decimal = forms.DecimalField(max_digits=5, decimal_places=2, required=False)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    datetime = forms.DateTimeField(required=False)
    time = forms.TimeField(required=False)
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "disabled": True}))
    choice = forms.ChoiceField(choices=CHOICES)
    choices = forms.MultipleChoiceField(choices=CHOICES, required=False)
    flag = forms.BooleanField(required=False)
    maybe = forms.NullBooleanField(required=False)
    upload = forms.FileField(required=False)
    typed = forms.TypedChoiceField(choices=[(1, 1), (2, 2)], coerce=int)


DATA = {
    "text": 'Ann "Nan" <script>',
    "optional": "",
    "email": "not an address",
    "number": "-4",
    "decimal": "1.5",
    "date": "2026-11-26",
    "datetime": "2026-11-26 10:00",
    "time": "25:00",
    "password": "s3cret&",
    "hidden": "h<i>",
    "url": "javascript:alert(1)",
    "notes": "Line 1\n</textarea><b>",
    "choice": "x",
    "choices": ["a", "3"],
    "flag": "on",
    "maybe": "true",
    "typed": "2",
}


@pytest.mark.parametrize("data", [None, {}, DATA], ids=["unbound", "empty", "filled"])
def test_every_kind_of_widget(data: dict[str, Any] | None) -> None:
    form = EveryWidget(data)
    if data is not None:
        form.is_valid()  # with the errors Django adds (aria-invalid, aria-describedby)
    assert_same(form)


def test_initial_values_of_every_type() -> None:
    form = EveryWidget(
        initial={
            "text": 42,
            "date": datetime.date(2026, 2, 3),
            "datetime": datetime.datetime(2026, 2, 3, 4, 5, tzinfo=datetime.UTC),
            "decimal": 12.5,
            "notes": mark_safe("<p>kept</p>"),
            "choice": 3,
            "choices": ["x", "y"],
            "flag": True,
            "maybe": False,
        }
    )
    assert_same(form)


def test_fast_path_is_taken_for_the_plain_widgets() -> None:
    fast = FastWidgetRenderer().fast
    for name in ("text", "email", "number", "date", "hidden", "textarea", "select", "checkbox"):
        assert WIDGETS + f"{name}.html" in fast
    # Groups of radios and checkboxes, and file inputs with a clear box, stay with Django.
    for name in ("radio", "checkbox_select", "clearable_file_input", "select_date"):
        assert WIDGETS + f"{name}.html" not in fast


def test_a_changed_template_falls_back_to_django(monkeypatch: pytest.MonkeyPatch) -> None:
    real = FastWidgetRenderer._source

    def changed(self: FastWidgetRenderer, name: str) -> str | None:
        source = real(self, name)
        return source + "<!-- changed -->" if name == "textarea.html" and source else source

    monkeypatch.setattr(FastWidgetRenderer, "_source", changed)
    fast = FastWidgetRenderer().fast
    assert WIDGETS + "textarea.html" not in fast
    assert WIDGETS + "text.html" in fast
    monkeypatch.setattr(
        FastWidgetRenderer, "_source", lambda self, name: None if name == "attrs.html" else ""
    )
    assert FastWidgetRenderer().fast == {}  # no attrs.html as written: nothing is fast


def test_an_option_template_of_its_own_renders_the_whole_select_with_django() -> None:
    class OwnOption(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    class Form(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, widget=OwnOption)

    assert_same(Form({"pick": "a"}))


def app_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(cases.__path__, "cases."):
        if ".migrations" not in module.name and ".management" not in module.name:
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("cases."):
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


KWARGS = {
    "CrimeCheckForm": {"categories": [], "statutes": []},
    "AssignForm": {"detectives": []},
    "DocumentForm": {"kinds": [("other", "Other")]},
}


def app_form_instances() -> list[forms.BaseForm]:
    """Every form of the app, unbound and bound to nothing (with its errors); at most four
    forms needing arguments of their own are left out (the kinds of widget above cover them)."""
    instances, skipped = [], []
    for cls in app_forms():
        kwargs = KWARGS.get(cls.__name__, {})
        try:
            unbound, bound = cls(**kwargs), cls({}, **kwargs)
        except TypeError:
            skipped.append(cls.__name__)
            continue
        bound.is_valid()
        instances += [unbound, bound]
    assert len(skipped) < 5, skipped
    assert sum(len(form.fields) for form in instances) > 100
    return instances


@pytest.mark.django_db
def test_every_form_of_the_app_renders_the_same() -> None:
    for form in app_form_instances():
        assert_same(form)


TRICKY = ["", " ", "0", "a&b", "<x>", '"', "'", "&amp;", "é ñ 中", "\n", "\t<", "None", "%s"]


def strings(n: int, seed: int) -> list[str]:
    """The tricky strings, and ``n`` random ones over characters HTML treats specially."""
    rng = random.Random(seed)
    alphabet = "ab <>&\"'=/\n\té中\u00a0\u2028"
    return TRICKY + ["".join(rng.choices(alphabet, k=rng.randint(1, 12))) for _ in range(n)]


@pytest.mark.parametrize("value", strings(60, seed=19))
def test_any_text_renders_the_same(value: str) -> None:
    for attr in (value, True, False, None, 7):

        class Form(forms.Form):
            line = forms.CharField(widget=forms.TextInput(attrs={"data-a": attr}))
            area = forms.CharField(widget=forms.Textarea(attrs={"title": attr}))
            pick = forms.ChoiceField(choices=[(value, value), ("z", mark_safe(value))])

        for data in (None, {"line": value, "area": value, "pick": value}):
            assert_same(Form(data, initial={"line": value, "area": value, "pick": value}))


# --- the form group (cases/templatetags/field_tags.py) against the template it replaced ---

ORACLE = Path(__file__).parent / "fixtures" / "field_template_oracle.html"


def groups(form: forms.BaseForm) -> list[tuple[str, str, str]]:
    """(field name, the old template's form group, the one rendered now) per field."""
    oracle = engines["django"].from_string(ORACLE.read_text())
    now = get_template("cases/includes/field.html")
    return [
        (name, oracle.render({"field": form[name]}), now.render({"field": form[name]}))
        for name in form.fields
    ]


@pytest.mark.parametrize("data", [None, {}, DATA], ids=["unbound", "empty", "filled"])
def test_form_group_of_every_kind_of_field(data: dict[str, Any] | None) -> None:
    form = EveryWidget(data)
    if data is not None:
        form.is_valid()
        form.add_error("text", ["One <b>", "two & three"])  # several errors, escaped, joined
        form.add_error("choice", ["One", "two"])
    form.fields["choices"].widget = forms.CheckboxSelectMultiple(choices=CHOICES[1:3])
    form.fields["choice"].widget = forms.RadioSelect(choices=CHOICES[1:3])
    form.fields["optional"].help_text = mark_safe("<b>safe</b> hint")
    form.fields["number"].label = 'Number <"quoted">'
    for name, expected, got in groups(form):
        assert got == expected, name


@pytest.mark.django_db
def test_form_group_of_every_form_of_the_app() -> None:
    for form in app_form_instances():
        for name, expected, got in groups(form):
            assert got == expected, f"{type(form).__name__}.{name}"
