"""What the requester sent outside the portal, entered and corrected by the department, and
what came back after an information request.

A request recorded from the mail, e-mail, fax or in person (cases/services/received.py) has no
advocate to fill Supplement B's requester-supplied items: Part 1 (the victim: names, date of
birth, gender, A-Number) and the incident as the requester tells it (the proposals beside the
department's own text of Part 2 item 9 and Part 3 items 2, 4.b, 6 and 7). The coordinator
enters them from the letter, the form or the interview, and corrects them, until the decision.

Each save is one transaction and one audit event: who, when, the fields changed (names only
in the event's clear data) and each old and new value in the event's note, which is stored
encrypted like every victim detail (cases/lib/crypto.py). A page opened before someone else
changed these items is refused (``entry_fingerprint``), so nobody overwrites a correction
they never saw.

After an information request, what came back by mail, e-mail or in person is the answer:
its channel, the text and the scanned documents (checked and cleaned like every upload), in
the step's one event; the request then goes on from where it was asked, as after an answer in
the portal.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from cases import permissions as perms
from cases.clocks import due_date
from cases.errors import StaleRequest
from cases.models import (
    REQUESTER_STANDING_FIELDS,
    CaseEvent,
    CertificationRequest,
    Document,
    IntakeRecord,
)
from cases.services.common import apply_values, lock_request, record_event, require, take_step
from cases.services.documents import store_document
from cases.services.intake import ADVOCATE_FIELDS, check_requester_standing

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The requester's items; not the form type, which the reference already names (UV or TV).
STAFF_ENTRY_FIELDS = [name for name in ADVOCATE_FIELDS if name != "form_type"]


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def entry_fingerprint(request: CertificationRequest) -> str:
    """A keyed digest of the items as the page showed them: the page sends it back, and the
    save is refused when the items changed meanwhile. Keyed, so the page's hidden field
    reveals nothing of the values."""
    values = {name: _plain(getattr(request, name)) for name in STAFF_ENTRY_FIELDS}
    canonical = json.dumps(values, sort_keys=True, default=str)
    return salted_hmac("cases.staff_entry", canonical).hexdigest()


def _shown(value: Any) -> str:
    if value in (None, "", []):
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.strftime("%m/%d/%Y")
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def _change_lines(before: dict[str, Any], after: CertificationRequest, names: list[str]) -> str:
    """One line a field: its label, the old and the new value (the note is encrypted)."""
    lines = []
    with translation.override("en"):  # the audit trail is written in English
        for name in names:
            label = str(CertificationRequest._meta.get_field(name).verbose_name)
            label = label[:1].upper() + label[1:]
            old, new = _shown(before[name]), _shown(getattr(after, name))
            lines.append(f"{label}: {old} -> {new}")
    return "\n".join(lines)


@transaction.atomic
def request_enter_for_requester(
    *,
    request: CertificationRequest,
    actor: User,
    values: dict[str, Any],
    seen: str,
    at: datetime | None = None,
) -> CertificationRequest:
    """Enter or correct the requester-supplied items of a request received outside the portal.
    ``seen``: ``entry_fingerprint`` of the page the values were typed on."""
    locked = lock_request(request)
    require(perms.can_enter_for_requester(locked, actor))
    if seen != entry_fingerprint(locked):
        raise StaleRequest(
            _(
                "%(reference)s: someone else changed what the requester sent while you had "
                "the page open. Nothing was changed; reload the page and enter it again."
            )
            % {"reference": locked.reference}
        )
    before = {name: getattr(locked, name) for name in STAFF_ENTRY_FIELDS}
    changed = apply_values(locked, values, STAFF_ENTRY_FIELDS)
    if set(REQUESTER_STANDING_FIELDS) & set(changed):  # a capacity needs its credential
        record = IntakeRecord.objects.filter(request_id=locked.pk).first()
        check_requester_standing(locked, record.requester_organization if record else "")
    if not locked.has_required_submission_fields():
        raise ValidationError(
            {"family_name": _("The victim's family and given names and the incident date stay.")}
        )
    if not changed:
        return locked
    if {"expedited", "expedited_reason", "age_out_date"} & set(changed):
        locked.due_on = due_date(locked)  # the expedited track moves the stored queue date
        changed.append("due_on")
    locked.save(update_fields=changed)
    entered = [name for name in changed if name in before]
    record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.EDITED,
        at=at or timezone.now(),
        internal=True,
        note="Entered for the requester (received outside the portal):\n"
        + _change_lines(before, locked, entered),
        # Field names only in the clear data: the values are in the encrypted note.
        data={"fields": changed, "entered_for_requester": True},
    )
    return locked


# How what the requester sent back reached the department.
ANSWER_CHANNELS = ("mail", "email", "in_person")


@transaction.atomic
def request_record_information_received(
    *,
    request: CertificationRequest,
    actor: User,
    channel: str,
    text: str = "",
    uploads: Sequence[UploadedFile] = (),
    at: datetime | None = None,
) -> CertificationRequest:
    """The answer to an information request on a request received outside the portal: how it
    came back, what it said, the scanned documents. The step "answer_information" of the
    state machine, with the coordinator acting for the requester (permissions.STEP_RULES)."""
    if request.organization_id is not None:
        raise ValidationError(_("The advocate answers this request in the portal."))
    if channel not in ANSWER_CHANNELS:
        raise ValidationError({"channel": _("Say how the answer came back.")})
    text = (text or "").strip()
    if not text and not uploads:
        raise ValidationError(
            {"text": _("Write what came back, or add the scanned documents, or both.")}
        )

    def store(locked: CertificationRequest) -> dict[str, Any]:
        documents = [
            store_document(
                locked,
                actor=actor,
                upload=upload,
                kind=Document.Kind.INFORMATION_RESPONSE,
                record=False,  # the step's event names them
            )
            for upload in uploads
        ]
        return {
            "channel": channel,
            "documents": [
                {"document": d.pk, "sha256": d.sha256, "size": d.size} for d in documents
            ],
        }

    return take_step(
        request,
        "answer_information",
        actor=actor,
        at=at,
        note=text or "Documents received; see the documents listed.",
        args={"text": text},
        after_save=store,
    )
