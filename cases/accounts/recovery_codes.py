"""Recovery codes stored as keyed hashes, never in clear (C7; ASVS V6.4.1: authenticator
secrets stored like passwords).

django-otp's static device keeps each code as written in ``otp_static_statictoken.token``: a
database dump was a usable second factor for every account. The column now holds only
``HMAC-SHA256(UVISA_LOOKUP_KEY, "recovery_code:" + normalized code)``, truncated to the column's
16 hex characters (64 bits). A code is 40 random bits, so an unkeyed or merely salted hash could
be searched exhaustively from a dump; the key lives outside the database, so it cannot.

Checking a code compares its digest with each of the device's stored digests in constant time
(``hmac.compare_digest``) and claims the matching row with one conditional DELETE: of two
sign-ins racing with the same code, exactly one deletes the row and passes (each code works
once, C7). Changing ``UVISA_LOOKUP_KEY`` makes the stored codes unusable: users then sign in
with their authenticator and get new codes, or an administrator removes the device.
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from django.db.models.signals import pre_save
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from cases.lib.crypto import keyed_hash

DIGEST_LENGTH = 16  # django-otp's token column is 16 characters
_DIGEST = re.compile(r"^[0-9a-f]{16}$")


def code_digest(code: str) -> str:
    """The stored form of a recovery code (spaces, dashes and case do not matter)."""
    return keyed_hash(code, purpose="recovery_code")[:DIGEST_LENGTH]


def is_digest(value: str) -> bool:
    """Generated codes are 8 base32 characters; a stored digest is 16 hex characters."""
    return bool(_DIGEST.match(value or ""))


def _hash_before_save(sender: Any, instance: StaticToken, **kwargs: Any) -> None:
    if instance.token and not is_digest(instance.token):
        instance.token = code_digest(instance.token)


def _verify_token(self: StaticDevice, token: str) -> bool:
    """django-otp's ``StaticDevice.verify_token`` (throttle included) over stored digests."""
    allowed, _ = self.verify_is_allowed()
    if not allowed:
        return False
    digest = code_digest(str(token))
    matched = None
    for pk, stored in self.token_set.values_list("pk", "token"):
        if hmac.compare_digest(stored.encode(), digest.encode()):
            matched = pk  # no early exit: every stored code is compared
    claimed = matched is not None and StaticToken.objects.filter(pk=matched).delete()[0] > 0
    if claimed:
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
    else:
        self.throttle_increment()
    return claimed


def install() -> None:
    """Called once from the app's ready()."""
    StaticDevice.verify_token = _verify_token  # type: ignore[method-assign]
    pre_save.connect(_hash_before_save, sender=StaticToken, dispatch_uid="uvisa_recovery_code")
