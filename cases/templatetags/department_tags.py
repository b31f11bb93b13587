"""The case page's block of the department's own records: how the request was received and by
whom, a possible duplicate, linking to an organisation, consistency before certifying, and the
policy clause a denial cited; and the department's own text of the items it attests beside the
requester's proposals."""

from __future__ import annotations

from typing import Any

from django import template

from cases import permissions as perms
from cases.consistency import certify_blockers, certify_warnings
from cases.forms_department import AcknowledgeForm, LinkOrganizationForm
from cases.models import (
    AdvocateOrganization,
    CertifierDirectoryEntry,
    Document,
    IntakeRecord,
    Referral,
    Status,
)
from cases.services import department_text, received
from cases.states import OPEN_STATES

register = template.Library()


def _intake_record(obj: Any) -> IntakeRecord | None:
    """The request's intake record: already read with the request on the case page."""
    try:
        return obj.intake
    except IntakeRecord.DoesNotExist:
        return None


@register.inclusion_tag("cases/_department_block.html", takes_context=True)
def department_block(context: dict[str, Any], obj: Any) -> dict[str, Any]:
    user = context["request"].user
    staff = perms.is_staff_reader(user)
    record = _intake_record(obj) if staff else None
    deciding = obj.status == Status.CHIEF_DECISION and perms.can_decide(obj, user)
    warnings = certify_warnings(obj) if deciding else []
    acknowledged = set(obj.acknowledged_warnings or [])
    open_warnings = [(w.code, w.message) for w in warnings if w.code not in acknowledged]
    return {
        "obj": obj,
        "staff": staff,
        "record": record,
        "duplicates": list(received.possible_duplicates(obj))
        if staff and obj.status in OPEN_STATES
        else [],
        "link_form": LinkOrganizationForm(organizations=AdvocateOrganization.objects.all())
        if perms.can_link_organization(obj, user)
        else None,
        "blockers": certify_blockers(obj) if deciding else [],
        "acknowledged": [w for w in warnings if w.code in acknowledged],
        "ack_form": AcknowledgeForm(warnings=open_warnings)
        if open_warnings and perms.can_acknowledge_warnings(obj, user)
        else None,
        "clause": obj.decline_clause if obj.status == Status.DECLINED else None,
        "policy": obj.decline_policy if obj.status == Status.DECLINED else None,
        "referral": _referral(obj),
    }


def _referral(obj: Any) -> dict[str, Any] | None:
    """The referral to the agency with jurisdiction, for staff and the advocate alike: the
    agency as it read that day, the reason, and what was forwarded (read only when referred)."""
    if obj.status != Status.REFERRED:
        return None
    row = Referral.objects.select_related("referred_by", "forwarded_by").filter(request=obj).first()
    if row is None:
        return None
    kinds = dict(Document.Kind.choices)
    return {
        "row": row,
        "to": row.referred_to,
        "kind": dict(CertifierDirectoryEntry.Kind.choices).get(row.referred_to.get("kind"), ""),
        "documents": [
            {"kind": kinds.get(d["kind"], d["kind"]), "sha256": d["sha256"]}
            for d in row.forwarded_documents
        ],
    }


@register.inclusion_tag("cases/_department_text_block.html", takes_context=True)
def department_text_block(context: dict[str, Any], obj: Any) -> dict[str, Any]:
    """Staff: each Part's department text beside the proposal, with "adopt all" and per-item
    rewrite for those who may write it now. The requester: the final text, after the decision."""
    user = context["request"].user
    if not perms.can_see_department_text(obj, user):
        return {"parts": []}
    staff = perms.is_staff_reader(user)
    parts = []
    writes: dict[str, bool] = {}  # asked once per owner, not once per Part
    for part, rows in department_text.rows_by_part(obj):
        if not staff:
            rows = [r for r in rows if r.department is not None]
            if not rows:
                continue
        if staff and part.owner not in writes:
            writes[part.owner] = perms.can_write_department_text(obj, user, part.owner)
        may_write = staff and writes[part.owner]
        parts.append(
            {
                "part": part,
                "rows": rows,
                "may_write": may_write,
                "adoptable": may_write and any(r.differs for r in rows),
                "to_adopt": sum(r.department is None for r in rows),
            }
        )
    return {"obj": obj, "parts": parts, "staff": staff, "csrf_token": context.get("csrf_token")}
