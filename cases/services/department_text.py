"""The department's own text of the Supplement B items it attests.

The certifying agency completes Parts 2-6 itself (Supplement B instructions), and its official
signs Part 6 under penalty of perjury: what the requester wrote for an attested item (the form
map marks them, cases/uscis/formmap.py) is only a proposal shown beside the department's
text, and the filled form prints the department's text alone. Two verbs, each one transaction
and one case event that names the items changed, never their content:

- ``department_text_adopt``: take the requester's proposal as the department's text, for one
  or several items;
- ``department_text_rewrite``: write the department's own text of one item.

Who writes which Part, and until when, is cases/permissions.py (``can_write_department_text``).
Items are named by the form map's Part and Item number, so this serves any form map.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import permissions as perms
from cases.models import CaseEvent, CertificationRequest, DepartmentText
from cases.services.common import lock_request, record_event
from cases.uscis import formmap
from cases.uscis.formitems import YESNO

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The longest text the department may write in one item (Part 7 takes what does not fit).
TEXT_LIMIT = 10_000


def item_ref(part: int, number: str) -> str:
    return f"Part {part}, Item {number}"


def attested_item(request: CertificationRequest, part: int, number: str) -> formmap.Item:
    edition = formmap.edition_of(request)
    item = formmap.find_item(edition, part, number) if edition else None
    if item is None or not item.attested:
        raise ValidationError(
            _("%(item_ref)s is not an item the department writes on this form.")
            % {"item_ref": item_ref(part, number)}
        )
    return item


def part_owner(request: CertificationRequest, part: int) -> str:
    edition = formmap.edition_of(request)
    return next((p.owner for p in edition.parts if p.number == part), "") if edition else ""


def _require_writer(request: CertificationRequest, actor: User, parts: Iterable[int]) -> None:
    for part in sorted(set(parts)):
        if not perms.can_write_department_text(request, actor, part_owner(request, part)):
            raise PermissionDenied(
                _("You may not write the department's text of Part %(part)s of this request now.")
                % {"part": part}
            )


def _store(
    request: CertificationRequest,
    item: formmap.Item,
    value: Any,
    how: str,
    actor: User,
    at: datetime | None,
) -> None:
    DepartmentText.objects.update_or_create(
        request=request,
        part=item.part,
        number=item.number,
        defaults={
            "content": {"value": value},
            "how": how,
            "changed_by": actor,
            "changed_at": at or timezone.now(),
        },
    )


def _event(
    request: CertificationRequest, actor: User, verb: str, refs: list[str], at: datetime | None
) -> None:
    record_event(
        request,
        actor=actor,
        at=at,
        kind=CaseEvent.Kind.EDITED,
        internal=True,
        note=f"Department's text: {verb} {'; '.join(refs)}.",
        data={"department_text": verb, "items": refs},
    )


@transaction.atomic
def department_text_adopt(
    *,
    request: CertificationRequest,
    actor: User,
    items: Iterable[tuple[int, str]],
    at: datetime | None = None,
) -> list[str]:
    """The requester's proposals become the department's text of ``items`` ((Part, Item number)
    pairs); the items whose text changed, named in the one event, are returned."""
    locked = lock_request(request)
    wanted = [attested_item(locked, part, number) for part, number in dict.fromkeys(items)]
    if not wanted:
        raise ValidationError(_("Choose the items whose proposals the department adopts."))
    _require_writer(locked, actor, (i.part for i in wanted))
    current = formmap.department_values(locked)
    changed = []
    for item in wanted:
        proposal = formmap.read_value(locked, item)
        key = (item.part, item.number)
        if key in current and current[key] == proposal:
            continue
        _store(locked, item, proposal, DepartmentText.How.ADOPTED, actor, at)
        changed.append(item_ref(item.part, item.number))
    if not changed:
        raise ValidationError(
            _(
                "The department's text already is the proposal of every item chosen; nothing was "
                "changed."
            )
        )
    _event(locked, actor, "adopted the proposals of", changed, at)
    return changed


@transaction.atomic
def department_text_rewrite(
    *,
    request: CertificationRequest,
    actor: User,
    part: int,
    number: str,
    value: Any,
    at: datetime | None = None,
) -> str:
    """The department writes its own text of one item (``value`` in the form map's shape for
    the item's kind; a date may be a ``date``). Returns the item named in the event."""
    locked = lock_request(request)
    item = attested_item(locked, part, number)
    _require_writer(locked, actor, [part])
    value = clean_value(item, value)
    current = formmap.department_values(locked)
    if current.get((part, number), None) == value:
        raise ValidationError(
            {"value": _("This already is the department's text of the item; nothing was changed.")}
        )
    _store(locked, item, value, DepartmentText.How.REWRITTEN, actor, at)
    ref = item_ref(part, number)
    _event(locked, actor, "rewrote", [ref], at)
    return ref


# --- values in the form map's shape, by kind ---


def _plain(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").strip()


def clean_value(item: formmap.Item, value: Any) -> Any:
    """``value`` checked and written the way the form map reads values of ``item.kind``."""
    ref = item_ref(item.part, item.number)
    if item.kind in ("text", "long"):
        text = _plain(value)
        if item.kind == "text":
            text = " ".join(text.split())
        if len(text) > TEXT_LIMIT:
            raise ValidationError(
                {
                    "value": _("Keep %(ref)s under %(text_limit)s characters.")
                    % {"ref": ref, "text_limit": TEXT_LIMIT}
                }
            )
        if "\x00" in text:
            raise ValidationError({"value": _("Remove the null character from the text.")})
        result: Any = text
    elif item.kind == "date":
        result = _clean_date(ref, value)
    elif item.kind in ("choice", "yesno"):
        options = item.options or YESNO
        result = _plain(value)
        if result and result not in options:
            raise ValidationError(
                {"value": _("Choose one of: %(options)s.") % {"options": ", ".join(options)}}
            )
    elif item.kind == "checkboxes":
        boxes = [_plain(v) for v in (value or []) if _plain(v)]
        if item.options and any(b not in item.options for b in boxes):
            raise ValidationError({"value": _("Tick only the boxes the form prints.")})
        result = list(dict.fromkeys(boxes))
    elif item.kind == "rows":
        result = [
            {key: _plain(row.get(key, "")) for key in ("name", "relationship", "involvement")}
            for row in (value or [])
            if isinstance(row, dict) and any(_plain(v) for v in row.values())
        ]
    else:
        raise ValidationError(_("%(ref)s is not written by the department.") % {"ref": ref})
    if item.required and not result:
        raise ValidationError(
            {"value": _("%(ref)s is required: write the department's text.") % {"ref": ref}}
        )
    return result


def _clean_date(ref: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = datetime.strptime(_plain(value), "%m/%d/%Y").date()
        except ValueError:
            raise ValidationError(
                {"value": _("Give %(ref)s as mm/dd/yyyy.") % {"ref": ref}}
            ) from None
    if value > timezone.localdate():
        raise ValidationError({"value": _("%(ref)s cannot be in the future.") % {"ref": ref}})
    return value.strftime("%m/%d/%Y")


# --- reads for the case page ---


@dataclass(frozen=True)
class Row:
    item: formmap.Item
    department: Any  # the department's text, or None when it has none yet
    proposal: Any
    how: str  # "adopted" | "rewritten" | ""

    @property
    def ref(self) -> str:
        return item_ref(self.item.part, self.item.number)

    @property
    def differs(self) -> bool:
        return self.department is None or self.department != self.proposal

    @property
    def department_display(self) -> str:
        return display(self.department)

    @property
    def proposal_display(self) -> str:
        return display(self.proposal)


def display(value: Any) -> str:
    """A value of any kind as one text: boxes joined, rows one a line."""
    if value is None or value == "":
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return "\n".join(
                f"{r.get('name', '')} ({r.get('relationship', '')}): {r.get('involvement', '')}"
                for r in value
            )
        return ", ".join(str(v) for v in value)
    return str(value)


def rows_by_part(request: CertificationRequest) -> list[tuple[formmap.Part, list[Row]]]:
    """Each Part with attested items: the department's text beside the proposal.

    Reads the prefetched ``department_texts`` and the request's own fields only."""
    texts = {(t.part, t.number): t for t in request.department_texts.all()}
    result: list[tuple[formmap.Part, list[Row]]] = []
    edition = formmap.edition_of(request)
    for part in edition.parts if edition else ():
        rows = []
        for item in part.items:
            if not item.attested:
                continue
            text = texts.get((part.number, item.number))
            rows.append(
                Row(
                    item=item,
                    department=text.text if text is not None else None,
                    proposal=formmap.read_value(request, item, None),
                    how=text.how if text is not None else "",
                )
            )
        if rows:
            result.append((part, rows))
    return result


def attested_in(request: CertificationRequest, parts: Iterable[int]) -> list[tuple[int, str]]:
    """(Part, Item number) of the attested items of ``parts``, in form order."""
    edition = formmap.edition_of(request)
    wanted = set(parts)
    return [
        (p.number, i.number)
        for p, i in (formmap.attested_items(edition) if edition else [])
        if p.number in wanted
    ]
