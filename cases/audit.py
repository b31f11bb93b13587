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
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC
from typing import Any

from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.utils import timezone

from cases.lib import chain
from cases.lib.chain import GENESIS, Break, Unreadable
from cases.lib.crypto import decrypt_text, is_encrypted
from cases.lib.http import client_ip, user_agent
from cases.models import (
    AccessLog,
    AuditChainHead,
    AuditKeySegment,
    CaseEvent,
    CertificationRequest,
    Document,
)

__all__ = ["GENESIS", "Break"]

CASE_HEAD = 1  # AuditChainHead row of the CaseEvent chain (also holds the data version)
ACCESS_HEAD = 2  # AuditChainHead row of the AccessLog chain
CASE_CHAIN = "case_events"
ACCESS_CHAIN = "access_log"

# (key in the hashed content, column): one list for hashing a new row and for verifying.
EVENT_FIELDS = [
    ("request", "request_id"),
    ("actor", "actor_id"),
    ("created_at", "created_at"),
    ("kind", "kind"),
    ("transition", "transition"),
    ("from_state", "from_state"),
    ("to_state", "to_state"),
    ("internal", "internal"),
    ("data", "data"),
    ("note", "note"),  # last: read as ciphertext and decrypted by the verifier
]
ACCESS_FIELDS = [
    ("at", "at"),
    ("user", "user_id"),
    ("username", "username"),
    ("action", "action"),
    ("request", "request_id"),
    ("reference", "reference"),
    ("document", "document_id"),
    ("detail", "detail"),
    ("ip", "ip_address"),
    ("user_agent", "user_agent"),
    ("path", "path"),
]


def event_content(event: CaseEvent) -> dict[str, Any]:
    content = chain.content_of(
        [k for k, _ in EVENT_FIELDS], [getattr(event, c) for _, c in EVENT_FIELDS]
    )
    content["internal"] = bool(content["internal"])
    return content


def compute_hash(prev_hash: str, event: CaseEvent) -> str:
    """The link under the current audit key (seeding and migrations)."""
    current, ring = chain.audit_keyring()
    return chain.link_hash(ring[current], prev_hash, event_content(event))


def access_content(entry: AccessLog) -> dict[str, Any]:
    return chain.content_of(
        [k for k, _ in ACCESS_FIELDS], [getattr(entry, c) for _, c in ACCESS_FIELDS]
    )


def compute_access_hash(prev_hash: str, entry: AccessLog) -> str:
    current, ring = chain.audit_keyring()
    return chain.link_hash(ring[current], prev_hash, access_content(entry))


def append_event(event: CaseEvent) -> CaseEvent:
    """Chain and insert ``event``. Must run inside the caller's transaction."""
    chain.append(chain.locked_head(AuditChainHead, CASE_HEAD), event, event_content)
    return event


def _template_event(actor: Any, at: Any, kind: str, note: str, data: dict[str, Any]) -> CaseEvent:
    """An event about an official form template, about no one request, in the same chain.
    Must run inside the caller's transaction."""
    event = CaseEvent(
        request=None, actor=actor, created_at=at, kind=kind, internal=True, note=note, data=data
    )
    return append_event(event)


def append_template_loaded(
    *,
    actor: Any,
    at: Any,
    form_type: str,
    edition: str,
    sha256: str,
    template_id: int,
    uploaded_sha256: str = "",
) -> CaseEvent:
    """An official form template was loaded."""
    return _template_event(
        actor,
        at,
        CaseEvent.Kind.TEMPLATE_LOADED,
        f"Official form template loaded: {form_type}, edition {edition}.",
        {
            "template": template_id,
            "form_type": form_type,
            "edition": edition,
            "sha256": sha256,
            "uploaded_sha256": uploaded_sha256,
        },
    )


def append_template_mapped(
    *, actor: Any, at: Any, template_id: int, version: int, assigned: dict[str, str]
) -> CaseEvent:
    """An administrator chose fields of a loaded template for items of the form map."""
    return _template_event(
        actor,
        at,
        CaseEvent.Kind.TEMPLATE_MAPPED,
        f"Official form template fields chosen: mapping version {version}.",
        {"template": template_id, "version": version, "assigned": assigned},
    )


def append_template_activated(
    *, actor: Any, at: Any, template_id: int, form_type: str, edition: str, sha256: str
) -> CaseEvent:
    """A new edition of an official form became the one filled from then on."""
    return _template_event(
        actor,
        at,
        CaseEvent.Kind.TEMPLATE_ACTIVATED,
        f"Official form edition activated: {form_type}, edition {edition}.",
        {"template": template_id, "form_type": form_type, "edition": edition, "sha256": sha256},
    )


def _plain_notes(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """The last value of each row is the note's ciphertext: decrypt it here, so that one
    undecryptable note is reported as a break instead of stopping the walk."""
    for row in rows:
        raw = row[-1]
        if raw and is_encrypted(raw):
            try:
                yield (*row[:-1], decrypt_text(raw))
            except Exception as exc:
                yield (*row[:-1], Unreadable(exc))
        else:
            yield row


def _reference(pk: int) -> str:
    request_id = CaseEvent.objects.filter(pk=pk).values_list("request_id", flat=True).first()
    if request_id is None:
        return f"event {pk} (form template event)"
    found = CertificationRequest.objects.filter(pk=request_id).values_list("reference")
    return f"event {pk} ({found[0][0] if found else f'request {request_id}'})"


def _segments(name: str) -> list[AuditKeySegment]:
    return list(AuditKeySegment.objects.filter(chain=name).order_by("pk"))


def verify_chain(workers: int = 1) -> tuple[int, Break | None]:
    """(events checked, the first break or None). Not the request rows: a million of them,
    decrypted, made a 5.3M-event check take many times longer; the reference is read only for
    a break. The note is read as ciphertext and decrypted here (``_plain_notes``)."""
    fields = [*EVENT_FIELDS[:-1], ("note", "raw_note")]
    source = chain.source_for(
        CaseEvent,
        fields,
        _reference,
        times=["created_at"],
        expressions={"raw_note": Cast("note", TextField())},
        transform=_plain_notes,
        json_columns=["data"],
    )
    return chain.verify(
        source,
        segments=_segments(CASE_CHAIN),
        head=AuditChainHead.objects.filter(pk=CASE_HEAD).first(),
        workers=workers,
    )


def verify_access_chain(workers: int = 1) -> tuple[int, Break | None]:
    """(access-log rows checked, the first break or None)."""
    source = chain.source_for(AccessLog, ACCESS_FIELDS, lambda pk: f"access log {pk}", times=["at"])
    return chain.verify(
        source,
        segments=_segments(ACCESS_CHAIN),
        head=AuditChainHead.objects.filter(pk=ACCESS_HEAD).first(),
        workers=workers,
    )


def rotate_audit_key() -> list[str]:
    """Start a new segment of both chains under the current ``UVISA_AUDIT_KEY``, each bound to
    its old head; what was done, one line per chain."""
    done = []
    with transaction.atomic():
        for pk, name in ((CASE_HEAD, CASE_CHAIN), (ACCESS_HEAD, ACCESS_CHAIN)):
            segment = chain.rotate(chain.locked_head(AuditChainHead, pk), AuditKeySegment, name)
            done.append(f"{name}: {segment}" if segment else f"{name}: already under this key")
    return done


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
    current, ring = chain.audit_keyring()
    body["key"] = current  # which audit key signed it (kept after a rotation, as an old key)
    return {**body, "mac": chain.mac(ring[current], _canonical(body))}


def _canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


def check_checkpoint(saved: dict[str, Any]) -> str | None:
    """None when ``saved`` is authentic and both chains still hold its heads; else why not."""
    body = {k: v for k, v in saved.items() if k != "mac"}
    _, ring = chain.audit_keyring()
    macs = [chain.mac(key, _canonical(body)) for key in ring.values()]
    if not any(hmac.compare_digest(str(saved.get("mac", "")), m) for m in macs):
        return "the checkpoint's MAC is wrong (not written with a configured audit key, or edited)"
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
    reference: str = "",
) -> AccessLog:
    """Record who saw or downloaded what, when and from where. Never the victim's details.
    ``reference``: the reference asked about when no request was found (the status page)."""

    user = request.user if request.user.is_authenticated else None
    entry = AccessLog(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        request=obj,
        reference=obj.reference if obj else reference[:30],
        document=document,
        detail=detail[:300],
        ip_address=client_ip(request),
        user_agent=user_agent(request),
        path=request.path[:300],
    )
    with transaction.atomic(savepoint=False):
        chain.append(chain.locked_head(AuditChainHead, ACCESS_HEAD), entry, access_content)
    return entry
