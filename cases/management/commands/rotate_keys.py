"""Re-encrypt victim data and stored files under the first key of UVISA_FIELD_KEYS.

Rotation: put the new key first in UVISA_FIELD_KEYS (keep the old ones after it), restart,
run this command, then remove an old key only once ``--check`` reports nothing under it.
Audit events (CaseEvent) are append-only and keep the key they were written with, so keep
old keys as long as their events must stay readable (docs/security.md).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.lib.crypto import (
    EncryptedFileSystemStorage,
    decrypt_file_bytes,
    decrypt_hex_key,
    encrypt_file_bytes,
    encrypt_hex_key,
    encrypted_field_names,
    file_key_id,
    key_of,
    keyring,
)
from cases.models import (
    CaseEvent,
    CertificationRequest,
    CertifyingOfficial,
    Document,
    FamilyMember,
    FormTemplate,
    InkSignature,
    IssuedForm,
    OriginalHandover,
)

REWRITTEN = [CertificationRequest, FamilyMember, Document, OriginalHandover]
# Stored PDFs (encrypted bytes in a column): the issued forms, the sealed scans, the templates.
# Their rows are never changed otherwise; re-encryption leaves the plain bytes, and so their
# SHA-256, as they were.
PDF_COLUMNS = [(IssuedForm, "pdf"), (InkSignature, "sealed_scan"), (FormTemplate, "pdf")]


def _raw_key_ids(model: type, names: list[str]) -> Counter:
    """Which key encrypted each stored value (read as raw text, never decrypted)."""
    counts: Counter = Counter()
    table = model._meta.db_table

    quoted = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    with connection.cursor() as cursor:
        # Identifiers come from the model, quoted by the backend; no user input.
        cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608 # nosec B608
        for row in cursor.fetchall():
            for value in row:
                if value:
                    counts[key_of(value) or "plain"] += 1
    return counts


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field and stored document with the current key."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="only count values per key")

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        primary, _ = keyring()
        for model in [*REWRITTEN, CaseEvent]:
            names = encrypted_field_names(model)
            counts = _raw_key_ids(model, names)
            self.stdout.write(f"{model.__name__}: {dict(counts) or 'no values'}")
        for model, column in PDF_COLUMNS:
            counts = Counter(
                file_key_id(bytes(raw)) or "plain"
                for raw in model.objects.values_list(column, flat=True).iterator()
            )
            self.stdout.write(f"{model.__name__}.{column}: {dict(counts) or 'no values'}")
        totp = Counter(
            key_of(k) or "plain" for k in TOTPDevice.objects.values_list("key", flat=True)
        )
        self.stdout.write(f"TOTPDevice: {dict(totp) or 'no values'}")
        if check:
            self.stdout.write(f"files: {dict(self._file_keys())}; current key {primary}")
            return
        rows = 0
        for model in REWRITTEN:
            names = encrypted_field_names(model)
            for pk in model.objects.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    obj = model.objects.select_for_update().get(pk=pk)
                    # Saving writes every encrypted value again under the first key.
                    model.objects.filter(pk=pk).update(**{n: getattr(obj, n) for n in names})
                rows += 1
        pdfs = 0
        for model, column in PDF_COLUMNS:
            for pk in model.objects.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    raw = bytes(
                        model.objects.select_for_update().values_list(column, flat=True).get(pk=pk)
                    )
                    if file_key_id(raw) == primary:
                        continue
                    # update(), not save(): these rows refuse changes through the model.
                    fresh = encrypt_file_bytes(decrypt_file_bytes(raw))
                    model.objects.filter(pk=pk).update(**{column: fresh})
                pdfs += 1
        # TOTP secrets (cases/accounts/otp_keys.py), read raw and written raw.
        for pk, key in TOTPDevice.objects.values_list("pk", "key"):
            if key and key_of(key) != primary:
                plain = decrypt_hex_key(key) if key_of(key) else key
                TOTPDevice.objects.filter(pk=pk).update(key=encrypt_hex_key(plain))
                rows += 1
        files = 0
        storage = default_storage
        if isinstance(storage, EncryptedFileSystemStorage):
            for name in self._file_names():
                if storage.exists(name) and file_key_id(storage.read_raw(name)) != primary:
                    with storage.open(name) as handle:
                        storage.rewrite(name, handle.read())
                    files += 1
        self.stdout.write(
            f"Re-encrypted {rows} rows, {pdfs} stored PDFs and {files} files under key {primary}."
        )

    def _file_names(self) -> list[str]:
        names = [d.file.name for d in Document.objects.exclude(file="")]
        names += [
            o.designation_document.name
            for o in CertifyingOfficial.objects.exclude(designation_document="")
        ]
        return names

    def _file_keys(self) -> Counter:
        storage = default_storage
        counts: Counter = Counter()
        if isinstance(storage, EncryptedFileSystemStorage):
            for name in self._file_names():
                if storage.exists(name):
                    counts[file_key_id(storage.read_raw(name)) or "plain"] += 1
        return counts
