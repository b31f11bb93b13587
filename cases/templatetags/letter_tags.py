"""The case page's list of issued letters, each with its date, SHA-256 and deliveries."""

from __future__ import annotations

from typing import Any

from django import template

from cases import permissions as perms
from cases.documents.forms import LetterDeliveryForm
from cases.models import IssuedLetter, LetterTemplate

register = template.Library()


def issued_letters(obj: Any) -> list[Any]:
    """The request's issued letters (without their PDF) with their deliveries: prefetched by
    the case page (cases/views/case.py), else read here."""
    if "issued_letters" in getattr(obj, "_prefetched_objects_cache", {}):
        return list(obj.issued_letters.all())
    return list(
        IssuedLetter.objects.filter(request=obj).defer("pdf").prefetch_related("deliveries")
    )


@register.inclusion_tag("cases/_letters_block.html", takes_context=True)
def letters_block(context: dict[str, Any], obj: Any) -> dict[str, Any]:
    user = context["request"].user
    labels = dict(LetterTemplate.Kind.choices)
    rows = [
        letter
        for letter in issued_letters(obj)
        if perms.can_download_letter(obj, letter.kind, user)
    ]
    record = perms.can_record_letter_delivery(obj, user)
    return {
        "obj": obj,
        "rows": [
            {
                "letter": letter,
                "label": labels.get(letter.kind, letter.kind),
                "form": LetterDeliveryForm(prefix=f"delivery-{letter.pk}") if record else None,
            }
            for letter in rows
        ],
        # The coordinator replaces a requester's lost code for /status/.
        "new_status_code": perms.can_issue_status_code(obj, user),
        "csrf_token": context.get("csrf_token"),
    }
