"""The case page's notice of an issued form found wrong (cases/documents/corrections.py)."""

from __future__ import annotations

from typing import Any

from django import template

from cases import permissions as perms
from cases.models import FormCorrection
from cases.templatetags.form_tags import ISSUED_STATES

register = template.Library()


@register.inclusion_tag("cases/_form_corrections.html", takes_context=True)
def form_corrections_block(context: dict[str, Any], obj: Any) -> dict[str, Any]:
    user = context["request"].user
    open_ones = (
        list(FormCorrection.objects.filter(request=obj, resolved_at__isnull=True).order_by("pk"))
        if obj.status in ISSUED_STATES
        else []
    )
    if not open_ones:  # nearly always: no further query
        return {"corrections": []}
    return {
        "obj": obj,
        "corrections": open_ones,
        "staff": perms.has_capability(user, perms.VIEW_ALL),
        "official": perms.active_official(user, obj) is not None,
        "csrf_token": context.get("csrf_token"),
    }
