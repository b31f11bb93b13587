"""Check the audit trail's and the access log's keyed hash chains, and optionally saved
checkpoints: exit 0 when intact, 1 naming the first break (C9 tamper alert, daily cron)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cases.audit import check_checkpoint, verify_access_chain, verify_chain


def default_workers() -> int:
    """One process per core, at most two, on PostgreSQL (each opens its own connection)."""
    if connection.vendor != "postgresql":
        return 1
    return max(1, min(2, os.cpu_count() or 1))


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
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="processes checking parts of the chain at once (PostgreSQL; default: "
            "up to 2, one per core)",
        )

    def handle(self, *args: Any, checkpoint: list[str], workers: int, **options: Any) -> None:
        count, broken = verify_chain(workers=workers)
        if broken is not None:
            raise CommandError(f"Audit chain broken at {broken} ({count} events read).")
        rows, access_broken = verify_access_chain(workers=workers)
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
