"""Check the audit trail's and the access log's keyed hash chains, and optionally saved
checkpoints: exit 0 when intact, 1 naming the first break (C9 tamper alert, daily cron)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.audit import check_checkpoint, verify_access_chain, verify_chain


class Command(BaseCommand):
    help = "Verify the keyed hash chains of the audit trail (CaseEvent) and the access log."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="a file written by audit_checkpoint; its heads must still be in the chains",
        )

    def handle(self, *args: Any, checkpoint: list[str], **options: Any) -> None:
        count, broken = verify_chain()
        if broken is not None:
            raise CommandError(f"Audit chain broken at {broken} ({count} events read).")
        rows, access_broken = verify_access_chain()
        if access_broken is not None:
            raise CommandError(f"Access log chain broken at {access_broken} ({rows} rows read).")
        for name in checkpoint:
            problem = check_checkpoint(json.loads(Path(name).read_text()))
            if problem is not None:
                raise CommandError(f"Checkpoint {name}: {problem}.")
        self.stdout.write(f"Audit chain intact: {count} events.")
        self.stdout.write(f"Access log chain intact: {rows} rows.")
        if checkpoint:
            self.stdout.write(f"{len(checkpoint)} checkpoint(s) match.")
