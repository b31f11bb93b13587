"""The code a requester without an account quotes to see where the request stands (/status/).

Issued once per request with its acknowledgement (and again only when the coordinator replaces
a lost one). 12 characters drawn with ``secrets`` from 29 letters and digits that cannot be
mistaken for one another on paper or over the telephone (no 0/O, 1/I/L, U/V), so 29**12 (about
2**58) codes; printed in groups of four ("K7QM-3XPD-9HRT"). Only a keyed hash is stored:
HMAC-SHA256 under ``UVISA_LOOKUP_KEY`` (kept outside the database, like the A-Number lookup
column's key) of the reference and the normalized code. A password hasher would add nothing
against a guess at 2**58 made without the key, and would make a look-up slow enough to be timed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from django.conf import settings

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"  # no 0 O 1 I L U V
LENGTH = 12
GROUP = 4


def new_code() -> str:
    """A fresh code, grouped for reading: ``XXXX-XXXX-XXXX``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalize_code(code: str) -> str:
    """What a person typed, without case, spaces or dashes."""
    return re.sub(r"[^0-9A-Z]", "", (code or "").upper())[: LENGTH * 2]


def normalize_reference(reference: str) -> str:
    """A reference as printed (``MPD-UV-2026-0007``), whatever the case or spaces typed."""
    return re.sub(r"\s+", "", (reference or "").upper())[:40]


def code_digest(reference: str, code: str) -> str:
    """HMAC-SHA256 of the reference and the code: the only thing stored. Computed the same way
    whether or not the reference exists, so a look-up takes the same time either way."""
    key = base64.b64decode(settings.UVISA_LOOKUP_KEY)
    message = f"status_code:{normalize_reference(reference)}:{normalize_code(code)}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def same_digest(stored: str, computed: str) -> bool:
    """Constant-time comparison of two digests (an empty stored digest never matches)."""
    return hmac.compare_digest(stored or "0" * 64, computed) and bool(stored)
