"""The log's own tamper-evident audit trail and access log (the same idea as the case
workflow's), each a keyed hash chain (cases/lib/chain.py).

``hash = HMAC-SHA256(audit key, prev_hash + "\\n" + canonical JSON of the row)``, keyed with a key
outside the database so that its owner cannot recompute a rewritten chain (C9). Appending locks
the chain's ``AuditChainHead`` row (1: audit trail, 2: access log), so concurrent writers append
one after the other. ``verify_chain`` and ``verify_access_chain`` walk them in insertion order
(``manage.py federal_audit_verify``); ``audit_rotate_key`` moves both to a new key. On
PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE on the audit and access-log tables
(migrations 0002 and 0003).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cases.lib import chain
from cases.lib.chain import GENESIS, Break
from federal_requests.models import AccessLog, AuditChainHead, AuditEvent, AuditKeySegment

__all__ = ["GENESIS", "Break"]

EVENT_HEAD = 1
ACCESS_HEAD = 2
EVENT_CHAIN = "federal_events"
ACCESS_CHAIN = "federal_access_log"

EVENT_FIELDS = [
    ("created_at", "created_at"),
    ("actor", "actor_id"),
    ("action", "action"),
    ("entry", "entry_id"),
    ("task_force", "task_force_id"),
    ("subject", "subject"),
    ("changes", "changes"),
]
ACCESS_FIELDS = [
    ("at", "at"),
    ("user", "user_id"),
    ("username", "username"),
    ("action", "action"),
    ("entry", "entry_id"),
    ("reference", "reference"),
    ("document", "document_id"),
    ("ip", "ip_address"),
    ("user_agent", "user_agent"),
    ("path", "path"),
]


def _content(fields: list[tuple[str, str]], row: Any) -> dict[str, Any]:
    return chain.content_of([k for k, _ in fields], [getattr(row, c) for _, c in fields])


def event_content(event: AuditEvent) -> dict[str, Any]:
    return _content(EVENT_FIELDS, event)


def access_content(entry: AccessLog) -> dict[str, Any]:
    return _content(ACCESS_FIELDS, entry)


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    """The link under the current audit key (migrations)."""
    current, ring = chain.audit_keyring()
    return chain.link_hash(ring[current], prev_hash, event_content(event))


def compute_access_hash(prev_hash: str, entry: AccessLog) -> str:
    current, ring = chain.audit_keyring()
    return chain.link_hash(ring[current], prev_hash, access_content(entry))


def append_event(event: AuditEvent) -> AuditEvent:
    """Chain and insert ``event``. Must run inside the caller's transaction."""
    chain.append(chain.locked_head(AuditChainHead, EVENT_HEAD), event, event_content)
    return event


def append_access(entry: AccessLog) -> AccessLog:
    """Chain and insert an access-log row (its own transaction if the caller has none)."""
    with transaction.atomic(savepoint=False):
        chain.append(chain.locked_head(AuditChainHead, ACCESS_HEAD), entry, access_content)
    return entry


def _verify(
    model: Any, fields: list[tuple[str, str]], time: str, head_pk: int, name: str, label: str
) -> tuple[int, Break | None]:
    return chain.verify(
        chain.source_for(
            model,
            fields,
            lambda pk: f"{label} {pk}",
            times=[time],
            json_columns=[c for _, c in fields if c == "changes"],
        ),
        segments=list(AuditKeySegment.objects.filter(chain=name).order_by("pk")),
        head=AuditChainHead.objects.filter(pk=head_pk).first(),
    )


def verify_chain() -> tuple[int, Break | None]:
    """(events checked, the first break or None)."""
    return _verify(AuditEvent, EVENT_FIELDS, "created_at", EVENT_HEAD, EVENT_CHAIN, "event")


def verify_access_chain() -> tuple[int, Break | None]:
    """(access-log rows checked, the first break or None)."""
    return _verify(AccessLog, ACCESS_FIELDS, "at", ACCESS_HEAD, ACCESS_CHAIN, "access log")


def rotate_audit_key() -> list[str]:
    """Start a new segment of both chains under the current ``UVISA_AUDIT_KEY``."""
    done = []
    with transaction.atomic():
        for pk, name in ((EVENT_HEAD, EVENT_CHAIN), (ACCESS_HEAD, ACCESS_CHAIN)):
            segment = chain.rotate(chain.locked_head(AuditChainHead, pk), AuditKeySegment, name)
            done.append(f"{name}: {segment}" if segment else f"{name}: already under this key")
    return done
