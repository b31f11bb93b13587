"""Victim data encrypted at rest in the application (C12, docs/security.md).

AES-256-GCM (FIPS 197 AES, 256-bit keys) from ``cryptography``. Keys come from
configuration (``UVISA_FIELD_KEYS``): the first key encrypts, every key decrypts, so a new
key can be put first and ``manage.py rotate_keys`` re-encrypts the rows and files.

A stored value is ``"v1:<key id>:<base64(nonce + ciphertext + tag)>"``. Encryption is
randomised, so equality lookups go through keyed hashes (HMAC-SHA256 with
``UVISA_LOOKUP_KEY``) kept in separate, indexed columns.

The fields are transparent to the rest of the code: ``request.family_name`` is a plain
``str`` and ``request.date_of_birth`` a ``date``, in Python; only the database holds
ciphertext.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import io
import json
import os
import re
from datetime import date
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models

PREFIX = "v1"
FILE_MAGIC = b"UVENC1"  # encrypted file header, then key id (8 bytes), nonce, ciphertext


class DecryptionError(Exception):
    pass


def _decode_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("UVISA_FIELD_KEYS must be base64-encoded keys.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured("Each UVISA_FIELD_KEYS key must be 32 bytes (AES-256).")
    return key


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"uvisa-key-id:" + key).hexdigest()[:8]


@cache
def _keyring(keys: tuple[str, ...]) -> tuple[str, dict[str, AESGCM]]:
    decoded = [_decode_key(k) for k in keys]
    if not decoded:
        raise ImproperlyConfigured("UVISA_FIELD_KEYS is empty.")
    ring = {key_id(k): AESGCM(k) for k in decoded}
    return key_id(decoded[0]), ring


def keyring() -> tuple[str, dict[str, AESGCM]]:
    """(id of the encrypting key, every key by id), from the current settings."""
    return _keyring(tuple(settings.UVISA_FIELD_KEYS))


def encrypt_bytes(data: bytes, *, associated: bytes = b"") -> tuple[str, bytes]:
    primary, ring = keyring()
    nonce = os.urandom(12)
    return primary, nonce + ring[primary].encrypt(nonce, data, associated)


def decrypt_bytes(kid: str, blob: bytes, *, associated: bytes = b"") -> bytes:
    _, ring = keyring()
    if kid not in ring:
        raise DecryptionError(f"No configured key has id {kid}; was a key removed too early?")
    try:
        return ring[kid].decrypt(blob[:12], blob[12:], associated)
    except Exception as exc:  # cryptography's InvalidTag: wrong key or altered data
        raise DecryptionError("A stored value failed authentication.") from exc


def encrypt_text(value: str) -> str:
    kid, blob = encrypt_bytes(value.encode())
    return f"{PREFIX}:{kid}:{base64.b64encode(blob).decode()}"


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX + ":")


def decrypt_text(value: str) -> str:
    _, kid, payload = value.split(":", 2)
    return decrypt_bytes(kid, base64.b64decode(payload)).decode()


def encrypt_hex_key(hex_key: str) -> str:
    """A hex secret (a TOTP key) encrypted as its bytes: 20 bytes fit django-otp's 80-character
    column (``v1:<id>:`` + 64 base64 characters)."""
    kid, blob = encrypt_bytes(bytes.fromhex(hex_key), associated=b"hex-key")
    return f"{PREFIX}:{kid}:{base64.b64encode(blob).decode()}"


def decrypt_hex_key(value: str) -> str:
    _, kid, payload = value.split(":", 2)
    return decrypt_bytes(kid, base64.b64decode(payload), associated=b"hex-key").hex()


def key_of(value: str) -> str | None:
    return value.split(":", 2)[1] if value and is_encrypted(value) else None


# --- keyed hashes for lookup ---


def normalize_number(value: str) -> str:
    """A-Numbers and report numbers compare without case, spaces or dashes."""
    return re.sub(r"[^0-9A-Z]", "", (value or "").upper())


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of the normalized value; empty values hash to the empty string."""
    normalized = normalize_number(value)
    if purpose == "a_number":
        normalized = normalized.removeprefix("A")  # "A-201 234 567" is 201234567
    if not normalized:
        return ""
    key = base64.b64decode(settings.UVISA_LOOKUP_KEY)
    return hmac.new(key, f"{purpose}:{normalized}".encode(), hashlib.sha256).hexdigest()


# --- the keyed audit chain (C9: audit records protected from modification) ---


def _audit_key() -> bytes:
    key = base64.b64decode(settings.UVISA_AUDIT_KEY)
    if len(key) < 32:
        raise ImproperlyConfigured("UVISA_AUDIT_KEY must be at least 32 bytes, base64-encoded.")
    return key


def audit_mac(text: str) -> str:
    """HMAC-SHA256 under ``UVISA_AUDIT_KEY``, a key kept outside the database: whoever can
    rewrite the tables (the database owner, a restored dump) cannot recompute the chain."""
    return hmac.new(_audit_key(), text.encode(), hashlib.sha256).hexdigest()


def chain_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """The link of a hash chain: MAC of the previous link and the canonical JSON content."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return audit_mac(f"{prev_hash}\n{canonical}")


# --- model fields ---


class EncryptedMixin:
    """Encrypts on the way to the database, decrypts on the way back.

    The column is ``text`` whatever the Python type; ``max_length`` still validates the
    plain value, and NUL characters are refused (bad input gets a message, not a 500).
    Lookups other than ``isnull`` cannot work on ciphertext.
    """

    default_validators = [ProhibitNullCharactersValidator()]

    def db_type(self, connection: Any) -> str:
        return "text"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)  # type: ignore[misc]
        if value is None:
            return None
        text = value.isoformat() if isinstance(value, date) else str(value)
        if text == "":
            return ""  # blank stays blank: nothing to hide, and "is it filled?" stays cheap
        return encrypt_text(text)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None if value is None else self._empty()
        if is_encrypted(value):
            value = decrypt_text(value)
        return self.to_python(value)  # type: ignore[attr-defined]

    def _empty(self) -> Any:
        return ""

    def get_internal_type(self) -> str:
        return "TextField"


# django-stubs types default_validators differently on the mixin and the field (one list at run
# time).
class EncryptedCharField(EncryptedMixin, models.CharField):  # type: ignore[misc]
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):  # type: ignore[misc]
    pass


class EncryptedDateField(EncryptedMixin, models.DateField):
    default_validators: list = []

    def _empty(self) -> Any:
        return None

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None or value == "":
            return None
        value = self.to_python(value)
        return encrypt_text(value.isoformat())


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """A small JSON value (e.g. a list of ISO dates) stored as encrypted JSON text.

    Blank (``""``) in the column reads as the field's default; a plain JSON value written
    before encryption is read as it is (``rotate_keys`` encrypts it)."""

    default_validators: list = []

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        if value == self.get_default():
            return ""
        return encrypt_text(json.dumps(value, sort_keys=True, default=str))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        if value == "":
            return self.get_default()
        return json.loads(decrypt_text(value) if is_encrypted(value) else value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value:
            return json.loads(decrypt_text(value) if is_encrypted(value) else value)
        return value

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), default=str)


ENCRYPTED_FIELD_TYPES = (
    EncryptedCharField,
    EncryptedTextField,
    EncryptedDateField,
    EncryptedJSONField,
)


def encrypted_field_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, ENCRYPTED_FIELD_TYPES)]


# --- stored files ---


def encrypt_file_bytes(data: bytes) -> bytes:
    kid, blob = encrypt_bytes(data, associated=FILE_MAGIC)
    return FILE_MAGIC + kid.encode() + blob


def decrypt_file_bytes(data: bytes) -> bytes:
    if not data.startswith(FILE_MAGIC):
        return data  # written before encryption was switched on
    kid = data[len(FILE_MAGIC) : len(FILE_MAGIC) + 8].decode()
    return decrypt_bytes(kid, data[len(FILE_MAGIC) + 8 :], associated=FILE_MAGIC)


def file_key_id(data: bytes) -> str | None:
    if not data.startswith(FILE_MAGIC):
        return None
    return data[len(FILE_MAGIC) : len(FILE_MAGIC) + 8].decode()


class EncryptedFileSystemStorage(FileSystemStorage):
    """Files are encrypted before they touch the disk and decrypted when opened.

    Documents are at most ``UVISA_MAX_UPLOAD_BYTES`` (20 MB), so whole-file encryption in
    memory is fine. ``size()`` answers the stored (encrypted) size; the plain size is kept
    on the ``Document`` row.
    """

    def _save(self, name: str, content: File) -> str:
        content.seek(0)
        try:
            # FileSystemStorage's _save/_open are not in django-stubs; they exist at run time.
            return super()._save(name, ContentFile(encrypt_file_bytes(content.read())))  # type: ignore[misc]
        except OSError:
            # A full disk (ENOSPC) or a quota stops the write half-way: the partial file is
            # removed, so nothing half-written stays behind (docs/security.md, faults).
            with contextlib.suppress(OSError):
                os.remove(self.path(name))
            raise

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError(
                "Encrypted files are written through save(), never opened for writing."
            )
        with super()._open(name, "rb") as stored:  # type: ignore[misc]
            data = decrypt_file_bytes(stored.read())
        return File(io.BytesIO(data), name=name)

    def read_raw(self, name: str) -> bytes:
        with super()._open(name, "rb") as stored:  # type: ignore[misc]
            return stored.read()

    def rewrite(self, name: str, plain: bytes) -> None:
        """Re-encrypt a stored file with the current key (key rotation)."""
        path = self.path(name)
        tmp = path + ".rotating"
        with open(tmp, "wb") as out:
            out.write(encrypt_file_bytes(plain))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)


def new_key() -> str:
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
