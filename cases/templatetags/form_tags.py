"""The case page's block for Supplement B: missing items, the files, letters, the ink original."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases import permissions as perms
from cases.certify_conditions import completeness_obstacles
from cases.documents import letters, review_pages
from cases.documents.forms import HandoverForm
from cases.documents.issuing import issued_by, official_name
from cases.documents.official import template_problem
from cases.errors import WorkflowError
from cases.models import (
    InkSignature,
    IssuedForm,
    LetterTemplate,
    OriginalHandover,
    Status,
)
from cases.presentation import empty_fields_html
from cases.templatetags.letter_tags import issued_letters
from cases.uscis.formmap import edition_for

register = template.Library()


def _form_state(obj: Any, shown: bool) -> dict[str, Any]:
    if not shown:
        return {"missing": None, "to_adopt": []}
    found = completeness_obstacles(obj)
    return {
        "missing": [o.text for o in found if o.kind != "to_adopt"],
        "to_adopt": [o.text for o in found if o.kind == "to_adopt"],
    }


# Only a decision issues a form (cases/documents/issuing.py): no query in other states.
ISSUED_STATES = (Status.AWAITING_INK, Status.CERTIFIED, Status.CERTIFICATION_WITHDRAWN)


def handover_state(obj: Any, ink: InkSignature | None, handovers: list[OriginalHandover]) -> str:
    """What the advocate needs to know about the ink-signed original."""
    if obj.status != Status.CERTIFIED or ink is None:
        return ""
    if not handovers:
        return "Original ready for pick-up"
    last = handovers[-1]
    if last.mailed:
        tracking = f" (tracking number {last.tracking_number})" if last.tracking_number else ""
        return f"Original mailed on {last.received_on:%m/%d/%Y}{tracking}"
    return f"Original handed over in person on {last.received_on:%m/%d/%Y}"


def draft_pages(obj: Any) -> list[dict[str, Any]]:
    """The draft form's pages for the case page: number, count, image address (with the
    fingerprint, so that a changed request is a new address)."""
    try:
        counted = review_pages.page_count(obj)
    except (WorkflowError, ValueError):  # a fill the template refuses: the download says why
        return []
    if counted is None:
        return []
    key, count = counted
    return [
        {
            "number": n,
            "count": count,
            "url": reverse("form_review_page", args=[obj.reference, n]) + f"?v={key[:16]}",
        }
        for n in range(1, count + 1)
    ]


@register.inclusion_tag("cases/_forms_block.html", takes_context=True)
def forms_block(context: dict[str, Any], obj: Any) -> dict[str, Any]:
    user = context["request"].user
    staff = perms.has_capability(user, perms.VIEW_ALL)
    form = (
        IssuedForm.objects.in_force()
        .filter(request=obj)
        .only(
            "pk",
            "sha256",
            "verification_code",
            "issued_at",
            "signed_on",
            "issued_before_ink_recording",
        )
        .first()
        if obj.status in ISSUED_STATES
        else None
    )
    ink = (
        InkSignature.objects.select_related("signer").filter(issued_form=form).first()
        if form is not None and obj.status != Status.AWAITING_INK
        else None
    )
    undecided = obj.status not in (
        *ISSUED_STATES,
        Status.DECLINED,
        Status.REFERRED,
        Status.WITHDRAWN,
    )
    review = perms.can_see_draft(obj, user)
    # Before the decision the department reviews the filled USCIS form itself, page by page.
    pages = draft_pages(obj) if review and undecided and obj.status != Status.DRAFT else []
    handovers = list(form.handovers.all()) if form is not None else []
    may_hand_over = form is not None and perms.can_record_ink_original(obj, user)
    issued_kinds = {letter.kind for letter in issued_letters(obj)}
    return {
        "obj": obj,
        # The certify guard's own list (cases/certify_conditions.py): empty items, and attested
        # items still without the department's text.
        **_form_state(obj, staff and undecided),
        "template_problem": template_problem(obj)
        if staff and obj.status == Status.CHIEF_DECISION
        else "",
        "review": review,
        "review_filled": bool(pages) or (review and review_pages.template(obj) is not None),
        "review_pages": pages,
        "form_name": edition_for(obj).form_name,
        # I-914B 02/27/17 Part F: the officer and the officer's supervisor both sign in ink.
        "asks_supervisor": obj.asks_supervisor_signature(),
        "page_width": round(8.5 * settings.UVISA_REVIEW_PAGE_DPI),
        "page_height": round(11 * settings.UVISA_REVIEW_PAGE_DPI),
        "issued": form if form is not None and perms.can_see_issued_form(obj, user) else None,
        "issued_text": issued_by(obj, timezone.localdate(form.issued_at)) if form else "",
        "awaiting_ink": obj.status == Status.AWAITING_INK,
        "ink": ink,
        "ink_text": f"signed in ink by {official_name(ink.signer)} on {ink.signed_on:%m/%d/%Y}"
        if ink
        else "",
        "handovers": handovers if staff else [],
        "handover_state": handover_state(obj, ink, handovers),
        # Letters issued at their event are listed, with their delivery, by the letters block;
        # only events from before letters were stored are offered here, rendered on demand.
        "letters": [
            (kind, label)
            for kind, label in LetterTemplate.Kind.choices
            if kind not in issued_kinds
            and letters.available(obj, kind)
            and perms.can_download_letter(obj, kind, user)
        ],
        "may_hand_over": may_hand_over,
        # Empty forms, the same on every page: their fields are built once.
        "handover_fields": empty_fields_html(HandoverForm, "handover") if may_hand_over else "",
        # Part 3 items 6-7: the reports to attach, chosen among the request's documents
        "handover_documents": list(obj.documents.all()) if may_hand_over else [],
        "csrf_token": context.get("csrf_token"),
    }
