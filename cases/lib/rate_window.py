"""A machine-wide fixed-window counter per client address, in shared memory (no database).

The public verification page counts every request per address and minute (ASVS V2.4.1 /
V13.4.1: anti-automation). Counting in the database wrote a row per request, a commit that
signed-in pages queued behind under a flood; this counter is a small memory-mapped file shared
by the workers of one machine, updated under an ``flock`` for a few microseconds.

The file holds ``SLOTS`` slots of 16 bytes: 8 bytes of a keyed hash of the address (so the file
holds no address), the minute (4 bytes) and the count (4 bytes). An address probes up to
``PROBES`` slots from its hash; a slot of an earlier minute is free. When every probed slot is
taken by other addresses in this minute (thousands of addresses at once) the request counts as
over the limit: a public page may refuse a flood rather than let it through.
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import struct
import tempfile
import time
from pathlib import Path

SLOTS = 4096
PROBES = 16
SLOT = struct.Struct("<8sII")  # address hash, minute, count
FULL = 0xFFFFFFFF  # the count reported when every probed slot is taken: over any limit

# Opened per process: an flock is held by an open file, so a descriptor inherited through a
# fork (gunicorn's preloaded master) would not exclude the sibling workers.
_maps: dict[tuple[str, int], tuple[int, mmap.mmap]] = {}


def _open(path: str) -> tuple[int, mmap.mmap]:
    found = _maps.get((path, os.getpid()))
    if found is None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if os.fstat(fd).st_size < SLOTS * SLOT.size:
            os.ftruncate(fd, SLOTS * SLOT.size)
        found = (fd, mmap.mmap(fd, SLOTS * SLOT.size))
        _maps[(path, os.getpid())] = found
    return found


def default_path(name: str) -> str:
    """A file of this machine's temporary directory, one per ``name`` (e.g. per database)."""
    tag = hashlib.sha256(name.encode()).hexdigest()[:16]
    return str(Path(tempfile.gettempdir()) / f"uvisa-rate-{os.getuid()}-{tag}")


def hit(path: str, key: bytes, address: str, per_minute: int, now: float | None = None) -> bool:
    """Count one request from ``address`` in this minute; True when it is over ``per_minute``."""
    return hits(path, key, address, now) > per_minute


def hits(path: str, key: bytes, address: str, now: float | None = None) -> int:
    """Count one request from ``address`` in this minute and return this minute's count (so
    a caller can act on the first request over its limit); ``FULL`` when no slot is free."""
    minute = int((time.time() if now is None else now) // 60) & 0xFFFFFFFF
    digest = hashlib.blake2b(address.encode(), key=key[:64], digest_size=8).digest()
    start = int.from_bytes(digest, "little") % SLOTS
    fd, table = _open(path)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        free = None
        for probe in range(PROBES):
            offset = ((start + probe) % SLOTS) * SLOT.size
            stored, at, count = SLOT.unpack_from(table, offset)
            if at == minute and stored == digest:
                SLOT.pack_into(table, offset, digest, minute, min(count + 1, 0xFFFFFFFF))
                return count + 1
            if at != minute and free is None:
                free = offset
        if free is None:
            return FULL
        SLOT.pack_into(table, free, digest, minute, 1)
        return 1
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def reset(path: str) -> None:
    """Forget every count (tests)."""
    fd, table = _open(path)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        table[:] = bytes(len(table))
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
