"""The department's written policy on certification requests (M.G.L. c. 258F s. 2).

Each version has its text, the date it takes effect and who adopted it; a version is never
edited, a change is a new version. The version in force on a day is the latest whose effective
date is on or before that day. A written denial (c. 258F s. 3(ii)) cites a clause of the version
in force on the decision date, and the denial stores both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cases import permissions as perms
from cases.lib.names import user_name
from cases.models import (
    Agency,
    CertificationRequest,
    DeclineReason,
    Language,
    PolicyClause,
    PolicyClauseTranslation,
    PolicyVersion,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def policy_in_force(agency: Agency, day: date | None = None) -> PolicyVersion | None:
    day = day or timezone.localdate()
    return (
        PolicyVersion.objects.filter(agency=agency, effective_on__lte=day)
        .order_by("-effective_on", "-number")
        .first()
    )


def decline_options(agency: Agency | None, day: date | None = None) -> list[tuple[str, str]]:
    """The reasons a denial may cite today: the clauses of the version in force.

    Before the department has adopted any version, the criteria listed in DeclineReason.
    """
    policy = policy_in_force(agency, day) if agency is not None else None
    if policy is None:
        return [(value, str(label)) for value, label in DeclineReason.choices]
    return [
        (c.code, f"{c.number}. {c.heading}")
        for c in policy.clauses.filter(is_decline_reason=True).order_by("pk")
    ]


def resolve_decline_reason(
    agency: Agency, day: date, code: str
) -> tuple[PolicyVersion | None, PolicyClause | None]:
    """The version in force on ``day`` and its clause ``code``, or a ValidationError."""
    policy = policy_in_force(agency, day)
    if policy is None:
        if code not in DeclineReason.values:
            raise ValidationError({"reason": _("Choose a reason from the department's policy.")})
        return None, None
    clause = policy.clauses.filter(code=code, is_decline_reason=True).first()
    if clause is None:
        raise ValidationError(
            {
                "reason": _(
                    "Choose a clause of the policy in force (%(title)s, version %(number)s)."
                )
                % {"title": policy.title, "number": policy.number}
            }
        )
    return policy, clause


@dataclass(frozen=True)
class DenialCitation:
    """What the denial letter quotes, as plain values."""

    policy_title: str
    policy_version: str
    policy_effective_on: date | None
    clause_number: str
    clause_heading: str
    clause_text: str


# --- the clauses in every letter language (c. 258F s. 3(ii): the victim is told why) ---

LETTER_LANGUAGES = [Language.SPANISH, Language.PORTUGUESE, Language.HAITIAN_CREOLE]


def reviewed_translation(clause: PolicyClause, language: str) -> PolicyClauseTranslation | None:
    """The latest reviewed translation of ``clause`` into ``language``, or None."""
    if language == Language.ENGLISH:
        return None
    return clause.translations.filter(language=language).order_by("-recorded_at", "-pk").first()


@transaction.atomic
def record_clause_translation(
    *,
    actor: User,
    clause: PolicyClause,
    language: str,
    heading: str,
    text: str,
    reviewer_name: str,
    reviewed_on: date,
) -> PolicyClauseTranslation:
    """A clause's translation, reviewed by a qualified translator, that letters in ``language``
    quote from now on. The row is the record: who reviewed it, when, who entered it."""
    if not perms.can_adopt_policy(actor, clause.policy.agency):
        raise PermissionDenied(
            _("Only the agency head records translations of the department's written policy.")
        )
    errors: dict[str, str] = {}
    if language not in LETTER_LANGUAGES:
        errors["language"] = _("Choose a letter language other than English.")
    heading, text, reviewer_name = heading.strip(), text.strip(), reviewer_name.strip()
    if not heading:
        errors["heading"] = _("Give the clause's heading in that language.")
    if not text:
        errors["text"] = _("Give the clause's text in that language.")
    if not reviewer_name:
        errors["reviewer_name"] = _("Name the translator who reviewed it.")
    if reviewed_on is None or reviewed_on > timezone.localdate():
        errors["reviewed_on"] = _("Give the day it was reviewed (not a future day).")
    if errors:
        raise ValidationError(errors)
    return PolicyClauseTranslation.objects.create(
        clause=clause,
        language=language,
        heading=heading[:200],
        text=text,
        reviewer_name=reviewer_name[:200],
        reviewed_on=reviewed_on,
        recorded_by=actor,
        recorded_by_name=user_name(actor),
    )


def denial_citation(request: CertificationRequest) -> DenialCitation | None:
    clause = request.decline_clause
    policy = request.decline_policy
    if clause is None or policy is None:
        return None
    return DenialCitation(
        policy_title=policy.title,
        policy_version=str(policy.number),
        policy_effective_on=policy.effective_on,
        clause_number=clause.number,
        clause_heading=clause.heading,
        clause_text=clause.text,
    )


# --- adopting a version ---

_CLAUSE_START = re.compile(
    r"^\s*(\d{1,3}(?:\.\d{1,3})?[a-z]?)\.\s+(?:\[([a-z0-9_]{1,30})\]\s*)?(.+)$"
)


def parse_clauses(text: str) -> list[dict[str, str]]:
    """Clauses written as blocks: ``1. [code] Heading`` on the first line, the text below.

    The code in brackets is optional (made from the heading when absent). A ValidationError
    names a block that does not start with a number.
    """
    clauses: list[dict[str, str]] = []
    blocks = [b.strip() for b in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n"))]
    for block in [b for b in blocks if b]:
        first, _unused, rest = block.partition("\n")
        match = _CLAUSE_START.match(first)
        if match is None:
            raise ValidationError(
                {
                    "clauses": _("Each clause starts with its number (“1. Heading”): %(line)s")
                    % {"line": repr(first[:60])}
                }
            )
        number, code, heading = match.groups()
        clauses.append(
            {
                "number": number,
                "code": code or slugify(heading).replace("-", "_")[:30],
                "heading": heading.strip()[:200],
                "text": rest.strip() or heading.strip(),
            }
        )
    if not clauses:
        raise ValidationError({"clauses": _("A policy needs at least one clause.")})
    return clauses


@transaction.atomic
def policy_adopt(
    *,
    actor: User,
    agency: Agency,
    title: str,
    preamble: str,
    effective_on: date,
    clauses: list[dict[str, str]],
    is_sample: bool = False,
) -> PolicyVersion:
    """A new version, in force from ``effective_on``; earlier versions stay as they were."""
    if not perms.can_adopt_policy(actor, agency):
        raise PermissionDenied(_("Only the agency head adopts the department's written policy."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the policy a title.")})
    if effective_on is None:
        raise ValidationError({"effective_on": _("Give the date the version takes effect.")})
    latest = PolicyVersion.objects.filter(agency=agency).order_by("-effective_on").first()
    if latest is not None and effective_on <= latest.effective_on:
        raise ValidationError(
            {
                "effective_on": _(
                    "A new version takes effect after the latest one (%(effective_on)s): "
                    "the history is not rewritten."
                )
                % {"effective_on": format(latest.effective_on, "%m/%d/%Y")}
            }
        )
    codes = [c["code"] for c in clauses]
    numbers = [c["number"] for c in clauses]
    if len(set(codes)) != len(codes) or len(set(numbers)) != len(numbers):
        raise ValidationError({"clauses": _("Each clause needs its own number and code.")})
    number = (latest.number + 1) if latest is not None else 1
    try:
        with transaction.atomic():
            policy = PolicyVersion.objects.create(
                agency=agency,
                number=number,
                title=title,
                preamble=(preamble or "").strip(),
                effective_on=effective_on,
                adopted_by=actor,
                adopted_by_name=user_name(actor),
                is_sample=is_sample,
            )
    except IntegrityError as exc:
        raise ValidationError({"effective_on": _("Another version was adopted at once.")}) from exc
    PolicyClause.objects.bulk_create(
        [
            PolicyClause(
                policy=policy,
                number=c["number"],
                code=c["code"],
                heading=c["heading"],
                text=c["text"],
                is_decline_reason=c.get("is_decline_reason", "yes") != "no",
            )
            for c in clauses
        ]
    )
    return policy


def public_versions(agency: Agency) -> list[PolicyVersion]:
    """Every version that has taken effect, newest first (the public /policy/ page)."""
    today = timezone.localdate()
    return list(
        PolicyVersion.objects.filter(agency=agency, effective_on__lte=today)
        .prefetch_related("clauses")
        .order_by("-effective_on", "-number")
    )
