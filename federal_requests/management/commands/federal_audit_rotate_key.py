"""Move the federal-request log's chains to the current UVISA_AUDIT_KEY (docs/deploy.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from federal_requests.audit import rotate_audit_key


class Command(BaseCommand):
    help = "Start a new segment of the log's audit chains under the current audit key."

    def handle(self, *args: Any, **options: Any) -> None:
        for line in rotate_audit_key():
            self.stdout.write(line)
