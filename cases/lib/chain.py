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
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, transaction
from django.utils import timezone

GENESIS = "0" * 64
CHUNK = 20_000  # rows per round trip when verifying
ROWS_PER_WORKER = 50_000  # below this a second process costs more than it saves


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


@dataclass
class Source:
    """Where a chain's links are read from, in key order, range by range."""

    model: type[models.Model]
    columns: Sequence[str]  # hashed values, after pk, prev_hash and hash
    keys: Sequence[str]  # their names in the hashed content
    name: Callable[[int], str]
    # Rewrites a chunk of rows (e.g. decrypts a note read as ciphertext); None: as read.
    transform: Callable[[Iterable[Sequence[Any]]], Iterable[Sequence[Any]]] | None = None
    # Columns read through a database expression instead (e.g. a timestamp as UTC text).
    expressions: dict[str, Any] | None = None
    # JSON columns: decoded here when the rows are read without Django's converters.
    json_columns: Sequence[str] = ()

    def rows(self, lo: int, hi: int) -> Iterable[Sequence[Any]]:
        qs = self.model.objects.filter(pk__gte=lo, pk__lte=hi).order_by("pk")  # type: ignore[attr-defined]
        if self.expressions:
            qs = qs.annotate(**self.expressions)
        qs = qs.values_list("pk", "prev_hash", "hash", *self.columns)
        if connections[qs.db].vendor == "postgresql":
            json_at = [3 + self.columns.index(c) for c in self.json_columns]
            rows: Iterable[Sequence[Any]] = _server_side(qs, json_at)
        else:
            rows = qs.iterator(chunk_size=CHUNK)
        return self.transform(rows) if self.transform else rows

    def link_before(self, pk: int) -> tuple[int, str] | None:
        found = self.model.objects.filter(pk__lt=pk).order_by("-pk")  # type: ignore[attr-defined]
        return found.values_list("pk", "hash").first()

    def pk_range(self) -> tuple[int | None, int | None]:
        got = self.model.objects.aggregate(lo=models.Min("pk"), hi=models.Max("pk"))  # type: ignore[attr-defined]
        return got["lo"], got["hi"]


def _server_side(qs: Any, json_at: Sequence[int]) -> Iterator[Sequence[Any]]:
    """The rows of a values_list query through a PostgreSQL server-side cursor, as plain tuples
    (no per-row converters: timestamps come as text, JSON is decoded here)."""
    db = qs.db
    sql, params = qs.query.get_compiler(db).as_sql()
    connection = connections[db]
    loads = json.loads
    with transaction.atomic(using=db):  # a named cursor lives in a transaction
        connection.ensure_connection()
        with connection.connection.cursor(name=f"uvisa_chain_{secrets.token_hex(4)}") as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(CHUNK):
                if not json_at:
                    yield from rows
                    continue
                for row in rows:
                    values = list(row)
                    for i in json_at:
                        value = values[i]
                        if value == "{}":  # most events carry no data: skip the parser
                            values[i] = {}
                        elif isinstance(value, str):
                            values[i] = loads(value)
                    yield values


def utc_text(column: str) -> Any:
    """On PostgreSQL, a timestamp column read as the text the chain hashes (UTC, microseconds):
    parsing millions of timestamps into datetimes and back cost more than the HMACs."""
    if connections["default"].vendor != "postgresql":
        return None
    utc = models.Func(models.Value("UTC"), models.F(column), function="timezone")
    fmt = models.Value('YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
    return models.Func(utc, fmt, function="to_char", output_field=models.CharField())


def source_for(
    model: type[models.Model],
    fields: Sequence[tuple[str, str]],
    name: Callable[[int], str],
    *,
    times: Sequence[str] = (),
    expressions: dict[str, Any] | None = None,
    transform: Callable[[Iterable[Sequence[Any]]], Iterable[Sequence[Any]]] | None = None,
    json_columns: Sequence[str] = (),
) -> Source:
    """A chain read from ``model``: ``fields`` are (content key, column) pairs; the ``times``
    columns are read as UTC text where the database can."""
    exprs = dict(expressions or {})
    columns = []
    for _key, column in fields:
        text = utc_text(column) if column in times else None
        if text is not None:
            exprs[f"utc_{column}"] = text
            column = f"utc_{column}"
        columns.append(column)
    keys = [k for k, _ in fields]
    return Source(model, columns, keys, name, transform, exprs or None, json_columns)


def _encoder() -> Callable[[dict[str, Any]], str]:
    """``canonical()`` with ``_default`` for datetimes, built once: ``json.dumps`` with options
    builds a new encoder for every call, which at millions of rows cost as much as the HMAC."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: the plain, slower path
        encoder = json.JSONEncoder(
            sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
        )
        return encoder.encode
    # CPython's own fast path of JSONEncoder.iterencode, with the options of canonical().
    fast = make(None, _default, json.encoder.encode_basestring, None, ":", ",", True, False, True)
    return lambda content: "".join(fast(content, 0))


def _default(value: Any) -> Any:
    if isinstance(value, Unreadable):
        raise value.error
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    raise TypeError(f"{type(value).__name__} cannot be hashed")


def _walk(
    source: Source,
    lo: int,
    hi: int,
    bounds: Sequence[tuple[int, str, bytes]],
    first_key: bytes,
) -> tuple[int, Break | None, int | None, str]:
    """Check the links with lo <= pk <= hi: (count, first break, last pk, last hash)."""
    before = source.link_before(lo)
    prev_pk, prev = before if before else (0, GENESIS)
    key, b, nb = first_key, 0, len(bounds)
    while b < nb and bounds[b][0] < prev_pk:  # rotations checked by the range before this one
        key = bounds[b][2]
        b += 1
    name, keys = source.name, list(source.keys)
    digest, encode, compare = hmac.digest, _encoder(), hmac.compare_digest
    count = 0
    last_pk: int | None = prev_pk or None
    for pk, prev_hash, stored, *values in source.rows(lo, hi):
        while b < nb and pk > bounds[b][0]:
            if prev != bounds[b][1]:
                return (
                    count,
                    Break(pk, name(pk), "the key rotation does not bind this head"),
                    pk,
                    prev,
                )
            key = bounds[b][2]
            b += 1
        count += 1
        if prev_hash != prev:
            return count, Break(pk, name(pk), "does not follow the previous event"), pk, prev
        try:
            text = encode(dict(zip(keys, values, strict=True)))
        except Exception as exc:  # an undecryptable note is a break too
            return count, Break(pk, name(pk), f"cannot be read ({exc})"), pk, prev
        if not compare(stored, digest(key, f"{prev}\n{text}".encode(), "sha256").hex()):
            return count, Break(pk, name(pk), "content does not match its hash"), pk, prev
        prev = stored
        last_pk = pk
    return count, None, last_pk, prev


_INHERITED: list[Any] = []


def _forget_inherited_connections() -> None:
    """In a forked child: a database connection still open in the parent (Django keeps one
    open inside a transaction, or one shared with a server thread) shares its socket with the
    child. Never use or close it here (either would break the parent's); keep a reference so
    it is not collected, and let Django open a connection of the child's own."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            _INHERITED.append(conn.connection)
            conn.connection = None
        conn.in_atomic_block = False
        conn.savepoint_ids = []
        conn.atomic_blocks = []
        conn.needs_rollback = False
        conn.closed_in_transaction = False


def _parallel(
    source: Source, ranges: list[tuple[int, int]], bounds: Any, first_key: bytes
) -> list[tuple[int, Break | None, int | None, str]]:
    """One process per range (fork: each opens its own database connection)."""
    import multiprocessing

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.SimpleQueue()

    def run(index: int, lo: int, hi: int) -> None:
        _forget_inherited_connections()
        try:
            queue.put((index, _walk(source, lo, hi, bounds, first_key)))
        except Exception as exc:
            queue.put(
                (index, (0, Break(None, f"rows {lo}-{hi}", f"cannot be read ({exc})"), None, ""))
            )
        finally:
            connections.close_all()

    workers = [context.Process(target=run, args=(i, lo, hi)) for i, (lo, hi) in enumerate(ranges)]
    for worker in workers:
        worker.start()
    results = dict(queue.get() for _ in workers)
    for worker in workers:
        worker.join()
    return [results[i] for i in range(len(ranges))]


def verify(
    source: Source,
    *,
    segments: Sequence[KeySegmentBase],
    head: Any,
    workers: int = 1,
) -> tuple[int, Break | None]:
    """(rows checked, the first break or None). With ``workers`` > 1 the pk range is split and
    checked by as many processes: each link only needs the stored hash of the one before it."""
    current, ring = audit_keyring()
    first, problem = _check_segments(segments, getattr(head, "key_id", "") or "", ring, current)
    if problem is not None:
        return 0, problem
    bounds = [(s.starts_after_id or 0, s.old_head, ring[s.new_key_id]) for s in segments]
    lo, hi = source.pk_range()
    count, prev, last_pk = 0, GENESIS, None
    if lo is not None and hi is not None:
        parts = max(1, min(workers, (hi - lo + 1) // ROWS_PER_WORKER))
        step = (hi - lo + parts) // parts
        ranges = [(a, min(hi, a + step - 1)) for a in range(lo, hi + 1, step)]
        # Inside a transaction the parent may see rows no child's own connection can see:
        # check the parts one after another then.
        in_transaction = any(c.in_atomic_block for c in connections.all(initialized_only=True))
        if len(ranges) > 1 and not in_transaction:
            results = _parallel(source, ranges, bounds, ring[first])
        else:
            results = [_walk(source, a, b, bounds, ring[first]) for a, b in ranges]
        for checked, broken, range_last, range_prev in results:
            count += checked
            if broken is not None:
                return count, broken
            if range_last is not None:
                last_pk, prev = range_last, range_prev
    for after, old_head, _key in bounds:  # rotations after the last link
        if after >= (last_pk or 0) and prev != old_head:
            return count, Break(last_pk, "chain head", "the key rotation does not bind this head")
    if head is not None and head.last_hash and head.last_hash != prev:
        return count, Break(head.last_event_id, "chain head", "events after this one are missing")
    return count, None
