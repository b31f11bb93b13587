"""The audit trail and the access log.

Tamper-evident audit trail: every CaseEvent carries a hash chained to the previous one.

``hash = SHA-256(prev_hash + canonical JSON of the event's content)``. The content is the
*plain* note (not its ciphertext), so re-encrypting under a new key leaves the chain intact.
Appending locks the single ``AuditChainHead`` row, so concurrent services append one after
the other and the chain stays linear. ``verify_chain`` walks the events in insertion order
(``manage.py audit_verify``). On PostgreSQL a trigger also refuses UPDATE and DELETE on the
audit tables (migration 0005_security).

``log_access`` writes the access log (C9, C15): who saw or downloaded what, when, from where.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.http import HttpRequest

from cases.lib.http import client_ip, user_agent
from cases.models import AccessLog, AuditChainHead, CaseEvent, CertificationRequest, Document

GENESIS = "0" * 64


def event_content(event: CaseEvent) -> dict[str, Any]:
    return {
        "request": event.request_id,
        "actor": event.actor_id,
        "created_at": event.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "kind": event.kind,
        "transition": event.transition,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "note": event.note,
        "internal": bool(event.internal),
        "data": event.data,
    }


def compute_hash(prev_hash: str, event: CaseEvent) -> str:
    canonical = json.dumps(
        event_content(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def append_event(event: CaseEvent) -> CaseEvent:
    """Chain and insert ``event``. Must run inside the caller's transaction."""
    head, _ = AuditChainHead.objects.get_or_create(pk=1)
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    # Round-trip precision: the database keeps microseconds, so hash what will be read back.
    event.prev_hash = head.last_hash or GENESIS
    event.hash = compute_hash(event.prev_hash, event)
    event.save()
    head.last_hash = event.hash
    head.last_event_id = event.pk
    head.save(update_fields=["last_hash", "last_event_id"])
    return event


def append_template_loaded(
    *, actor: Any, at: Any, form_type: str, edition: str, sha256: str, template_id: int
) -> CaseEvent:
    """An official form template was loaded: an event about no one request, in the same chain.
    Must run inside the caller's transaction."""
    event = CaseEvent(
        request=None,
        actor=actor,
        created_at=at,
        kind=CaseEvent.Kind.TEMPLATE_LOADED,
        internal=True,
        note=f"Official form template loaded: {form_type}, edition {edition}.",
        data={
            "template": template_id,
            "form_type": form_type,
            "edition": edition,
            "sha256": sha256,
        },
    )
    return append_event(event)


@dataclass
class Break:
    event_id: int | None
    reference: str
    problem: str

    def __str__(self) -> str:
        where = f"event {self.event_id} ({self.reference})" if self.event_id else self.reference
        return f"{where}: {self.problem}"


def _events() -> Iterator[CaseEvent]:
    # Not the request rows: a million of them, decrypted, made a 5.3M-event check take
    # many times longer. The reference is read only for a break.
    return CaseEvent.objects.order_by("pk").iterator(chunk_size=2000)


def _reference(event: CaseEvent) -> str:
    if event.request_id is None:
        return "form template event"

    found = CertificationRequest.objects.filter(pk=event.request_id).values_list("reference")
    return found[0][0] if found else f"request {event.request_id}"


def verify_chain() -> tuple[int, Break | None]:
    """(events checked, the first break or None)."""
    prev = GENESIS
    count = 0
    last: CaseEvent | None = None
    for event in _events():
        count += 1
        if event.prev_hash != prev:
            return count, Break(event.pk, _reference(event), "does not follow the previous event")
        try:
            expected = compute_hash(prev, event)
        except Exception as exc:  # an undecryptable note is a break too
            return count, Break(event.pk, _reference(event), f"cannot be read ({exc})")
        if event.hash != expected:
            return count, Break(event.pk, _reference(event), "content does not match its hash")
        prev = event.hash
        last = event
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash and (last is None or head.last_hash != last.hash):
        return count, Break(head.last_event_id, "chain head", "events after this one are missing")
    return count, None


# --- the access log (C9, C15): the one helper views call to record who saw what ---


def log_access(
    request: HttpRequest,
    *,
    action: str,
    obj: CertificationRequest | None = None,
    document: Document | None = None,
    detail: str = "",
) -> AccessLog:
    """Record who saw or downloaded what, when and from where. Never the victim's details."""

    user = request.user if request.user.is_authenticated else None
    return AccessLog.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        request=obj,
        reference=obj.reference if obj else "",
        document=document,
        detail=detail[:300],
        ip_address=client_ip(request),
        user_agent=user_agent(request),
        path=request.path[:300],
    )
