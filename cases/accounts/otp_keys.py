"""TOTP secrets encrypted at rest (C1, C12; ASVS V2.9.1 / V6.4.1: authenticator secrets stored
like other secrets).

django-otp keeps the TOTP key as hex in ``otp_totp_totpdevice.key``: a database dump was the
second factor of every account. The column now holds ``v1:<key id>:...`` (AES-256-GCM under
``UVISA_FIELD_KEYS``, cases/lib/crypto.py; 76 characters for the 20-byte key, within the
column's 80); the key is encrypted
before every save and decrypted where django-otp reads it (``bin_key``), so enrolment,
verification and the authenticator link are unchanged. ``rotate_keys`` re-encrypts them.
"""

from __future__ import annotations

from binascii import unhexlify
from typing import Any

from django.db.models.signals import pre_save
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.lib.crypto import decrypt_hex_key, encrypt_hex_key, is_encrypted


def plain_key(device: TOTPDevice) -> str:
    key = device.key or ""
    return decrypt_hex_key(key) if is_encrypted(key) else key


def _bin_key(device: TOTPDevice) -> bytes:
    return unhexlify(plain_key(device).encode())


def _encrypt_before_save(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    if instance.key and not is_encrypted(instance.key):
        instance.key = encrypt_hex_key(instance.key)


def install() -> None:
    """Called once from the app's ready()."""
    TOTPDevice.bin_key = property(_bin_key)
    pre_save.connect(_encrypt_before_save, sender=TOTPDevice, dispatch_uid="uvisa_totp_key")
