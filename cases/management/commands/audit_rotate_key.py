"""Move every audit chain to the current UVISA_AUDIT_KEY (procedure in docs/deploy.md).

Run after putting the new key in UVISA_AUDIT_KEY and the old one in UVISA_AUDIT_OLD_KEYS: each
chain gets a rotation record bound to its old head under both keys, and later links use the new
key. The federal-request log's chains are rotated too (its own command, when the app is
installed). Then run ``audit_checkpoint`` so that a file under the new key is kept.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cases.audit import rotate_audit_key


class Command(BaseCommand):
    help = "Start a new segment of the audit chains under the current audit key."

    def handle(self, *args: Any, **options: Any) -> None:
        for line in rotate_audit_key():
            self.stdout.write(line)
        if apps.is_installed("federal_requests"):
            call_command("federal_audit_rotate_key", stdout=self.stdout)
