"""A sandboxed template language for letter wording the department edits in the admin.

Letter wording is data typed by an administrator, so it must not reach live model objects
(ASVS V5.2.5 template injection; 8 U.S.C. 1367 confidentiality): a template is rendered from
a plain dictionary of named values (strings, dates, numbers; nothing with methods or
relations), by an engine that knows only a few tags and filters. ``check`` is run when the
template is saved and refuses, with the reason, any tag, filter or name outside that set.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from django import template
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import FilterExpression, TextNode, Variable, VariableNode
from django.template.defaultfilters import (
    capfirst,
    default,
    default_if_none,
    linebreaksbr,
    lower,
    title,
    upper,
    yesno,
)
from django.template.defaultfilters import (
    date as date_filter,
)
from django.template.defaulttags import CommentNode, IfNode, TemplateLiteral, comment, do_if
from django.template.smartif import TokenBase

# Every name a letter may use: request facts as plain values, never model objects.
# A referral to the agency with jurisdiction (cases/documents/letters.py ``_referral_values``).
REFERRAL_NAMES = (
    "referral_agency_name",
    "referral_agency_unit",
    "referral_agency_address",
    "referral_agency_phone",
    "referral_agency_email",
    "referral_agency_jurisdiction",
    "referral_reason",
    "referral_forwarded",
    "referral_forward_method",
    "referral_consent",
    "referral_documents",
    "referral_documents_count",
)
ALLOWED_NAMES: frozenset[str] = frozenset(
    {
        "victim_name",
        "reference",
        "dated",
        "victim_filing_name",
        "date_of_birth",
        "a_number",
        "report_number",
        "receipt_number",
        "organization_name",
        "agency_name",
        "agency_phone",
        "decision_note",
        "delay_reason",
        "delay_process",
        "delay_projected_date",
        "signed_on",
        # I-914B 02/27/17 Part F: the officer's and the supervisor's own ink dates.
        "officer_signed_on",
        "supervisor_name",
        "supervisor_signed_on",
        "verification_code",
        "withdrawal_reason",
        "withdrawn_on",
        "disavowal",
        "withdrawal_title",
        "official_name",
        "official_title",
        "contact_name",
        "contact_title",
        "contact_phone",
        "contact_email",
        "other_certifiers",
        "reconsideration_business_days",
        "uscis_address",
        "form_title",
        "reconsideration_requested_long",
        "reconsideration_due_long",
        "reconsideration_outcome",
        "denied_long",
        *REFERRAL_NAMES,
        "received",
        "due",
        "deadline_reason",
        "deadline_basis",
        "today",
        "decline_reason",
        "policy_title",
        "policy_version",
        "policy_effective_on",
        "policy_clause_number",
        "policy_clause_heading",
        "policy_clause_text",
        "policy_clause_translated",
        "policy_clause_heading_local",
        "policy_clause_text_local",
        "policy_translation_reviewer",
        "policy_translation_reviewed_long",
        "delay_translated",
        "delay_reason_local",
        "delay_process_local",
        "delay_translation_reviewer",
        "delay_translation_reviewed_long",
        "dated_long",
        "received_long",
        "projected_long",
        "due_long",
        "policy_effective_long",
        "agency.name",
        "agency.phone",
        "agency.city",
        "agency.state",
        "official.name",
        "official.title",
        "organization.name",
        "form.verification_code",
        "request.reference",
        "request.family_name",
        "request.given_name",
        "request.middle_name",
        "request.victim_filing_name",
        "request.date_of_birth",
        "request.a_number",
        "request.report_number",
        "request.decision_note",
        "request.delay_reason",
        "request.delay_process",
        "request.delay_projected_date",
        "request.signed_on",
        "request.certification_withdrawal_reason",
        "request.certification_withdrawn_at",
        "request.organization.name",
    }
)

# "{% if form %}" tests a group of values: the groups themselves are allowed names too.
_ALLOWED = ALLOWED_NAMES | {n.rsplit(".", 1)[0] for n in ALLOWED_NAMES if "." in n}

SAFE_TYPES = (str, int, bool, date, datetime, type(None))

_library = template.Library()
_library.tag("if", do_if)
_library.tag("comment", comment)
for _name, _func in {
    "date": date_filter,
    "default": default,
    "default_if_none": default_if_none,
    "upper": upper,
    "lower": lower,
    "title": title,
    "capfirst": capfirst,
    "yesno": yesno,
    "linebreaksbr": linebreaksbr,
}.items():
    _library.filter(_name, _func)  # type: ignore[call-overload]


class _SandboxEngine(Engine):
    # Django's engine always adds its default tags ({% load %}, {% include %}, {% for %},
    # {% debug %}...) and filters; this one starts from nothing.
    default_builtins: list[str] = []


ENGINE = _SandboxEngine(libraries={}, autoescape=False, string_if_invalid="")
ENGINE.template_builtins = [_library]

TAGS = ("if", "elif", "else", "endif", "comment", "endcomment")
FILTERS = tuple(sorted(_library.filters))


class UnsafeTemplate(ValueError):
    """The wording uses something outside the sandbox; the message says what."""


def _expressions_in_condition(condition: Any) -> Iterator[FilterExpression]:
    if isinstance(condition, TemplateLiteral):
        yield condition.value  # type: ignore[misc]
    elif isinstance(condition, TokenBase):
        for side in (getattr(condition, "first", None), getattr(condition, "second", None)):
            if side is not None:
                yield from _expressions_in_condition(side)


def _expressions(nodelist: Any) -> Iterator[FilterExpression]:
    for node in nodelist.get_nodes_by_type(VariableNode):
        yield node.filter_expression
    for node in nodelist.get_nodes_by_type(IfNode):
        for condition, _ in node.conditions_nodelists:
            if condition is not None:
                yield from _expressions_in_condition(condition)


def _names(expression: FilterExpression) -> Iterator[str]:
    values = [expression.var]
    for _func, args in expression.filters:
        values += [arg for _lookup, arg in args]
    for value in values:
        if isinstance(value, Variable) and value.lookups is not None:
            yield value.var  # type: ignore[misc]


def _check_nodes(nodelist: Any) -> None:
    for node in nodelist:
        if not isinstance(node, (VariableNode, IfNode, CommentNode, TextNode)):
            raise UnsafeTemplate(f"the tag {type(node).__name__} is not allowed")
        for child in getattr(node, "child_nodelists", ()):
            inner = getattr(node, child, None)
            if inner is not None:
                _check_nodes(inner)
        if isinstance(node, IfNode):
            for _condition, inner in node.conditions_nodelists:
                _check_nodes(inner)


def check(source: str) -> Template:
    """Parse ``source`` in the sandbox; raise UnsafeTemplate naming the first refused part."""
    try:
        compiled = ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        raise UnsafeTemplate(
            f"{exc}. Allowed tags: {', '.join(TAGS)}; filters: {', '.join(FILTERS)}."
        ) from exc
    _check_nodes(compiled.nodelist)
    for expression in _expressions(compiled.nodelist):
        for name in _names(expression):
            if name not in _ALLOWED:
                raise UnsafeTemplate(
                    f"{{{{ {name} }}}} is not a value letters may use. Allowed: "
                    + ", ".join(sorted(ALLOWED_NAMES))
                    + "."
                )
    return compiled


def _plain(values: Mapping[str, Any], where: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Mapping):
            out[key] = _plain(value, f"{where}{key}.")
        elif isinstance(value, SAFE_TYPES):
            out[key] = value
        else:
            raise TypeError(f"{where}{key} is a {type(value).__name__}, not a plain value")
    return out


def render(source: str, values: Mapping[str, Any]) -> str:
    """Render checked wording from plain named values (dicts of str/date/number/None)."""
    return check(source).render(Context(_plain(values), autoescape=False))
