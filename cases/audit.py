"""The audit trail and the access log, each a keyed hash chain (C9, C10, C21).

Every CaseEvent carries ``hash = HMAC-SHA256(UVISA_AUDIT_KEY, prev_hash + canonical JSON of
the event's content)``. The key lives outside the database, so the database owner who
rewrites an event cannot recompute the chain: an unkeyed SHA-256 chain is no defence against
whoever can also rewrite the head. The content is the *plain* note (not its ciphertext), so
re-encrypting under a new key leaves the chain intact. Appending locks the chain's head row,
so concurrent services append one after the other and the chain stays linear.
``verify_chain`` walks the events in insertion order (``manage.py audit_verify``).

``log_access`` writes the access log (C9, C15): who saw or downloaded what, when, from where;
it is chained the same way, with its own head row (so reading a page never waits for a
workflow write). ``checkpoint`` gives both heads with a MAC, for the daily file written outside
the database (``manage.py audit_checkpoint``) and the annual report. On PostgreSQL triggers
refuse UPDATE, DELETE and TRUNCATE on the audit tables (migrations 0005 and 0010), and the
application runs as a role that owns nothing, so it cannot switch them off (docs/deploy.md).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cases.lib.crypto import audit_mac, chain_hash
from cases.lib.http import client_ip, user_agent
from cases.models import AccessLog, AuditChainHead, CaseEvent, CertificationRequest, Document

GENESIS = "0" * 64
CASE_HEAD = 1  # AuditChainHead row of the CaseEvent chain (also holds the data version)
ACCESS_HEAD = 2  # AuditChainHead row of the AccessLog chain


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
    return chain_hash(prev_hash, event_content(event))


def access_content(entry: AccessLog) -> dict[str, Any]:
    return {
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "user": entry.user_id,
        "username": entry.username,
        "action": entry.action,
        "request": entry.request_id,
        "reference": entry.reference,
        "document": entry.document_id,
        "detail": entry.detail,
        "ip": entry.ip_address,
        "user_agent": entry.user_agent,
        "path": entry.path,
    }


def compute_access_hash(prev_hash: str, entry: AccessLog) -> str:
    return chain_hash(prev_hash, access_content(entry))


def _locked_head(pk: int) -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=pk).first()
    if head is None:  # the very first link (migration 0010 creates both rows)
        AuditChainHead.objects.get_or_create(pk=pk)
        head = AuditChainHead.objects.select_for_update().get(pk=pk)
    return head


def append_event(event: CaseEvent) -> CaseEvent:
    """Chain and insert ``event``. Must run inside the caller's transaction."""
    head = _locked_head(CASE_HEAD)
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


def _walk(rows: Iterator[Any], digest: Any, head_pk: int, name: Any) -> tuple[int, Break | None]:
    prev = GENESIS
    count = 0
    last: Any = None
    for row in rows:
        count += 1
        if row.prev_hash != prev:
            return count, Break(row.pk, name(row), "does not follow the previous event")
        try:
            expected = digest(prev, row)
        except Exception as exc:  # an undecryptable note is a break too
            return count, Break(row.pk, name(row), f"cannot be read ({exc})")
        if not hmac.compare_digest(row.hash, expected):
            return count, Break(row.pk, name(row), "content does not match its hash")
        prev = row.hash
        last = row
    head = AuditChainHead.objects.filter(pk=head_pk).first()
    if head is not None and head.last_hash and (last is None or head.last_hash != last.hash):
        return count, Break(head.last_event_id, "chain head", "events after this one are missing")
    return count, None


def verify_chain() -> tuple[int, Break | None]:
    """(events checked, the first break or None)."""
    return _walk(_events(), compute_hash, CASE_HEAD, _reference)


def verify_access_chain() -> tuple[int, Break | None]:
    """(access-log rows checked, the first break or None)."""
    rows = AccessLog.objects.order_by("pk").iterator(chunk_size=2000)
    return _walk(rows, compute_access_hash, ACCESS_HEAD, lambda row: f"access log {row.pk}")


# --- signed checkpoints of the heads, kept outside the database ---


def _head(pk: int) -> dict[str, Any]:
    row = AuditChainHead.objects.filter(pk=pk).values("last_event_id", "last_hash").first()
    return {"last_id": row["last_event_id"], "last_hash": row["last_hash"]} if row else {}


def checkpoint() -> dict[str, Any]:
    """Both chain heads now, with a MAC under the audit key: a copy kept off the database
    host (a daily file, the annual report) shows later whether history was rewritten."""
    body = {
        "at": timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        "case_events": _head(CASE_HEAD),
        "access_log": _head(ACCESS_HEAD),
    }
    return {**body, "mac": audit_mac(_canonical(body))}


def _canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


def check_checkpoint(saved: dict[str, Any]) -> str | None:
    """None when ``saved`` is authentic and both chains still hold its heads; else why not."""
    body = {k: v for k, v in saved.items() if k != "mac"}
    if not hmac.compare_digest(str(saved.get("mac", "")), audit_mac(_canonical(body))):
        return "the checkpoint's MAC is wrong (not written with this audit key, or edited)"
    for key, model in (("case_events", CaseEvent), ("access_log", AccessLog)):
        head = body.get(key) or {}
        if not head.get("last_id"):
            continue
        found = model.objects.filter(pk=head["last_id"]).values_list("hash", flat=True).first()
        if found != head["last_hash"]:
            return f"{key}: row {head['last_id']} no longer has the hash of the checkpoint"
    return None


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
    entry = AccessLog(
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
    with transaction.atomic(savepoint=False):
        head = _locked_head(ACCESS_HEAD)
        entry.prev_hash = head.last_hash or GENESIS
        entry.hash = compute_access_hash(entry.prev_hash, entry)
        entry.save()
        head.last_hash = entry.hash
        head.last_event_id = entry.pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return entry
