"""Keyed hash chains with a rotatable key (C9, AU-9: audit records protected from modification).

Shared by the case audit trail and access log (cases/audit.py) and the federal-request log's
audit trail and access log (federal_requests/audit.py).

Each link is ``hash = HMAC-SHA256(key, prev_hash + "\\n" + canonical JSON of the row)``. The key
lives outside the database (``UVISA_AUDIT_KEY``), so whoever can rewrite the tables cannot
recompute the chain.

**Key ring and segments.** The chain's head row names the key its links are written with
(``key_id``). ``rotate`` starts a new segment: a ``KeySegment`` row records the last link under
the old key, the old head hash and both key ids, with a MAC under the old key *and* one under
the new key over that record, so the new segment is bound to the old head. Appending uses the
key the head names (a process still on the old configuration refuses to write once the head has
moved on; a process already given the new key keeps writing under the old one until the
rotation), and ``verify`` switches key at each recorded boundary. Old keys stay in
``UVISA_AUDIT_OLD_KEYS`` (verification only) as long as their segments must be checked.

``verify`` streams ``(pk, prev_hash, hash, *content)`` tuples (a server-side cursor in large
chunks on PostgreSQL) through a tight loop of one-shot HMACs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone

GENESIS = "0" * 64
CHUNK = 20_000  # rows per round trip when verifying


# --- the key ring ---


def _decode(text: str) -> bytes:
    key = base64.b64decode(text.strip())
    if len(key) < 32:
        raise ImproperlyConfigured("Audit keys must be at least 32 bytes, base64-encoded.")
    return key


def audit_key_id(key: bytes) -> str:
    return hashlib.sha256(b"uvisa-audit-key-id:" + key).hexdigest()[:8]


def audit_keyring() -> tuple[str, dict[str, bytes]]:
    """(id of the current key, every key by id): ``UVISA_AUDIT_KEY`` writes, and the keys in
    ``UVISA_AUDIT_OLD_KEYS`` still verify the segments written before a rotation."""
    current = _decode(settings.UVISA_AUDIT_KEY)
    ring = {audit_key_id(current): current}
    for text in getattr(settings, "UVISA_AUDIT_OLD_KEYS", []) or []:
        if text.strip():
            key = _decode(text)
            ring.setdefault(audit_key_id(key), key)
    return audit_key_id(current), ring


def mac(key: bytes, text: str) -> str:
    return hmac.digest(key, text.encode(), "sha256").hex()


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Unreadable:
    """A value that could not be read (an undecryptable note): hashing it is a break."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def json_value(value: Any) -> Any:
    """A column value as the chain hashes it: datetimes in UTC to the microsecond."""
    if isinstance(value, Unreadable):
        raise value.error
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def content_of(keys: Sequence[str], values: Iterable[Any]) -> dict[str, Any]:
    return {k: json_value(v) for k, v in zip(keys, values, strict=True)}


def link_hash(key: bytes, prev_hash: str, content: dict[str, Any]) -> str:
    return mac(key, f"{prev_hash}\n{canonical(content)}")


# --- the segment record (one concrete model per app) ---


class KeySegmentBase(models.Model):
    """A key rotation: links after ``starts_after_id`` are written with ``new_key_id``."""

    chain = models.CharField(max_length=30)
    starts_after_id = models.BigIntegerField(null=True, blank=True)  # last link of the old key
    old_head = models.CharField(max_length=64)
    old_key_id = models.CharField(max_length=8)
    new_key_id = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    old_key_mac = models.CharField(max_length=64)
    new_key_mac = models.CharField(max_length=64)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self) -> str:
        return (
            f"{self.chain}: key {self.old_key_id} -> {self.new_key_id} after {self.starts_after_id}"
        )

    def binding(self) -> str:
        return canonical(
            {
                "chain": self.chain,
                "starts_after": self.starts_after_id,
                "old_head": self.old_head,
                "old_key": self.old_key_id,
                "new_key": self.new_key_id,
                "at": json_value(self.created_at),
            }
        )


# --- appending ---


def locked_head(head_model: type[models.Model], pk: int) -> Any:
    head = head_model.objects.select_for_update().filter(pk=pk).first()  # type: ignore[attr-defined]
    if head is None:  # the very first link
        head_model.objects.get_or_create(pk=pk)  # type: ignore[attr-defined]
        head = head_model.objects.select_for_update().get(pk=pk)  # type: ignore[attr-defined]
    return head


def _writing_key(head: Any) -> tuple[str, bytes]:
    current, ring = audit_keyring()
    kid = head.key_id or current
    if kid not in ring:
        raise ImproperlyConfigured(
            f"The audit chain is written under audit key {kid}, which this process does not "
            "hold: restart it with the configuration of the last key rotation (docs/deploy.md)."
        )
    return kid, ring[kid]


def append(head: Any, row: models.Model, content: Callable[[Any], dict[str, Any]]) -> None:
    """Chain and insert ``row`` after the locked ``head``. Inside the caller's transaction."""
    kid, key = _writing_key(head)
    row.prev_hash = head.last_hash or GENESIS  # type: ignore[attr-defined]
    # The database keeps microseconds, so hash what will be read back.
    row.hash = link_hash(key, row.prev_hash, content(row))  # type: ignore[attr-defined]
    row.save()
    head.last_hash = row.hash  # type: ignore[attr-defined]
    head.last_event_id = row.pk
    head.key_id = kid
    head.save(update_fields=["last_hash", "last_event_id", "key_id"])


def rotate(head: Any, segment_model: type[KeySegmentBase], chain: str) -> KeySegmentBase | None:
    """Start a segment under the current key, bound to the locked ``head``. None when the
    chain is already written with the current key (or has no link yet: it just adopts it)."""
    current, ring = audit_keyring()
    old = head.key_id or current
    if old == current or not head.last_hash:
        head.key_id = current
        head.save(update_fields=["key_id"])
        return None
    if old not in ring:
        raise ImproperlyConfigured(
            f"The {chain} chain's key {old} is not configured: put it in UVISA_AUDIT_OLD_KEYS "
            "so that the rotation can be bound to the old head."
        )
    segment = segment_model(
        chain=chain,
        starts_after_id=head.last_event_id,
        old_head=head.last_hash,
        old_key_id=old,
        new_key_id=current,
        created_at=timezone.now().replace(microsecond=0),
    )
    segment.old_key_mac = mac(ring[old], segment.binding())
    segment.new_key_mac = mac(ring[current], segment.binding())
    segment.save()
    head.key_id = current
    head.save(update_fields=["key_id"])
    return segment


# --- verifying ---


@dataclass
class Break:
    event_id: int | None
    reference: str  # "event 17 (MPD-UV-2026-0004)", "access log 3", "key rotation 1"
    problem: str

    def __str__(self) -> str:
        return f"{self.reference}: {self.problem}"


def _check_segments(
    segments: Sequence[KeySegmentBase], head_key: str, ring: dict[str, bytes], current: str
) -> tuple[str, Break | None]:
    """The key of the first segment, or the first problem with the rotation records."""
    first = segments[0].old_key_id if segments else (head_key or current)
    expected = first
    for segment in segments:
        where = f"key rotation {segment.pk}"
        if segment.old_key_id != expected:
            return first, Break(None, where, "does not follow the previous key rotation")
        for kid, stored in (
            (segment.old_key_id, segment.old_key_mac),
            (segment.new_key_id, segment.new_key_mac),
        ):
            if kid not in ring:
                return first, Break(None, where, f"audit key {kid} is not configured")
            if not hmac.compare_digest(stored, mac(ring[kid], segment.binding())):
                return first, Break(None, where, "is not authentic (MAC under its keys)")
        expected = segment.new_key_id
    if head_key and head_key != expected:
        return first, Break(None, "chain head", f"names key {head_key}, not {expected}")
    if expected != current:
        return first, Break(
            None, "chain head", f"still written with key {expected}, not the current key"
        )
    if first not in ring:
        return first, Break(None, "first segment", f"audit key {first} is not configured")
    return first, None


def verify(
    rows: Iterable[Sequence[Any]],
    keys: Sequence[str],
    *,
    segments: Sequence[KeySegmentBase],
    head: Any,
    name: Callable[[int], str],
) -> tuple[int, Break | None]:
    """(rows checked, the first break or None). ``rows`` are ``(pk, prev_hash, hash, *values)``
    in key order; ``keys`` name the values in the hashed content."""
    current, ring = audit_keyring()
    first, problem = _check_segments(segments, getattr(head, "key_id", "") or "", ring, current)
    if problem is not None:
        return 0, problem
    bounds = [(s.starts_after_id or 0, s.old_head, ring[s.new_key_id]) for s in segments]
    key = ring[first]
    b, nb = 0, len(bounds)
    prev = GENESIS
    count = 0
    last_pk: int | None = None
    digest, dumps, compare = hmac.digest, json.dumps, hmac.compare_digest
    for pk, prev_hash, stored, *values in rows:
        while b < nb and pk > bounds[b][0]:
            if prev != bounds[b][1]:
                return count, Break(pk, name(pk), "the key rotation does not bind this head")
            key = bounds[b][2]
            b += 1
        count += 1
        if prev_hash != prev:
            return count, Break(pk, name(pk), "does not follow the previous event")
        try:
            content = {k: json_value(v) for k, v in zip(keys, values, strict=True)}
        except Exception as exc:  # an undecryptable note is a break too
            return count, Break(pk, name(pk), f"cannot be read ({exc})")
        text = dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        expected = digest(key, f"{prev}\n{text}".encode(), "sha256").hex()
        if not compare(stored, expected):
            return count, Break(pk, name(pk), "content does not match its hash")
        prev = stored
        last_pk = pk
    for _after, old_head, _key in bounds[b:]:  # rotations after the last link
        if prev != old_head:
            return count, Break(last_pk, "chain head", "the key rotation does not bind this head")
    if head is not None and head.last_hash and head.last_hash != prev:
        return count, Break(head.last_event_id, "chain head", "events after this one are missing")
    return count, None
