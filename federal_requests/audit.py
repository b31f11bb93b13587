"""The log's own tamper-evident audit trail (the same idea as the case workflow's).

``hash = HMAC-SHA256(UVISA_AUDIT_KEY, prev_hash + "\\n" + canonical JSON of the event)``, keyed
with a key outside the database so that its owner cannot recompute a rewritten chain (C9).
Appending locks the single ``AuditChainHead`` row, so concurrent writers append one after the
other.
``verify_chain`` walks the events in insertion order (``manage.py federal_audit_verify``).
On PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE on the audit and access-log tables
(migrations 0002 and 0003).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from cases.lib.crypto import chain_hash
from federal_requests.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def event_content(event: AuditEvent) -> dict[str, Any]:
    return {
        "created_at": event.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "action": event.action,
        "entry": event.entry_id,
        "task_force": event.task_force_id,
        "subject": event.subject,
        "changes": event.changes,
    }


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return chain_hash(prev_hash, event_content(event))


def append_event(event: AuditEvent) -> AuditEvent:
    """Chain and insert ``event``. Must run inside the caller's transaction."""
    AuditChainHead.objects.get_or_create(pk=1)
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    event.prev_hash = head.last_hash or GENESIS
    event.hash = compute_hash(event.prev_hash, event)
    event.save()
    head.last_hash = event.hash
    head.last_event_id = event.pk
    head.save(update_fields=["last_hash", "last_event_id"])
    return event


@dataclass
class Break:
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        return f"event {self.event_id}: {self.problem}" if self.event_id else self.problem


def verify_chain() -> tuple[int, Break | None]:
    """(events checked, the first break or None)."""
    prev = GENESIS
    count = 0
    last: AuditEvent | None = None
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
        count += 1
        if event.prev_hash != prev:
            return count, Break(event.pk, "does not follow the previous event")
        if not hmac.compare_digest(event.hash, compute_hash(prev, event)):
            return count, Break(event.pk, "content does not match its hash")
        prev = event.hash
        last = event
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash and (last is None or head.last_hash != last.hash):
        return count, Break(head.last_event_id, "events after this one are missing")
    return count, None
