"""The case page's block for Supplement B: missing items, PDFs, letters, the ink original."""

from __future__ import annotations

from typing import Any

from django import template

from cases import permissions as perms
from cases.documents import letters
from cases.documents.forms import HandoverForm, SignedScanForm
from cases.formmap import missing_items
from cases.models import IssuedForm, LetterTemplate, Status
from cases.presentation import empty_fields_html

register = template.Library()


@register.inclusion_tag("cases/_forms_block.html", takes_context=True)
def forms_block(context: dict[str, Any], obj: Any) -> dict[str, Any]:
    user = context["request"].user
    staff = perms.has_capability(user, perms.VIEW_ALL)
    # Only a certification issues a form (cases/documents/issuing.py): no query otherwise.
    form = (
        IssuedForm.objects.filter(request=obj)
        .only("pk", "sha256", "verification_code", "signed_on", "valid_until")
        .first()
        if obj.status in (Status.CERTIFIED, Status.CERTIFICATION_WITHDRAWN)
        else None
    )
    undecided = obj.status not in (
        Status.CERTIFIED,
        Status.CERTIFICATION_WITHDRAWN,
        Status.DECLINED,
        Status.WITHDRAWN,
    )
    ink = form is not None and perms.can_record_ink_original(obj, user)
    return {
        "obj": obj,
        "missing": missing_items(obj) if staff and undecided else None,
        "draft": perms.can_see_draft(obj, user),
        "issued": form,
        "handovers": form.handovers.all() if form is not None and staff else [],
        "letters": [
            (kind, label)
            for kind, label in LetterTemplate.Kind.choices
            if letters.available(obj, kind) and perms.can_download_letter(obj, kind, user)
        ],
        "ink": ink,
        # Empty forms, the same on every page: their fields are built once.
        "scan_fields": empty_fields_html(SignedScanForm, "scan") if ink else "",
        "handover_fields": empty_fields_html(HandoverForm, "handover") if ink else "",
        "csrf_token": context.get("csrf_token"),
    }
