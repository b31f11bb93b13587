"""Print fresh keys for UVISA_FIELD_KEYS (AES-256), UVISA_LOOKUP_KEY and UVISA_AUDIT_KEY (HMAC)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cases.lib.crypto import new_key


class Command(BaseCommand):
    help = "Print new random keys for the encryption settings (store them as secrets)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"UVISA_FIELD_KEYS={new_key()}")
        self.stdout.write(f"UVISA_LOOKUP_KEY={new_key()}")
        self.stdout.write(f"UVISA_AUDIT_KEY={new_key()}")
