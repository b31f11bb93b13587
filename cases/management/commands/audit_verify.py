"""Check the audit trail's hash chain: exit 0 when intact, 1 naming the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the tamper-evident hash chain of the audit trail (CaseEvent)."

    def handle(self, *args: Any, **options: Any) -> None:
        count, broken = verify_chain()
        if broken is not None:
            raise CommandError(f"Audit chain broken at {broken} ({count} events read).")
        self.stdout.write(f"Audit chain intact: {count} events.")
