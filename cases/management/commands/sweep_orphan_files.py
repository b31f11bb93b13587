"""Remove stored files no row names (a worker killed mid-upload leaves one); safe from cron."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from cases.lib.uploads import sweep_orphan_files


class Command(BaseCommand):
    help = (
        "Delete uploaded files that no document row names and that are older than the grace "
        "period (default 60 minutes: longer than any upload's transaction)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--older-than-minutes", type=float, default=60.0)
        parser.add_argument("--dry-run", action="store_true", help="List them, delete nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = sweep_orphan_files(
            older_than=timedelta(minutes=options["older_than_minutes"]),
            dry_run=options["dry_run"],
        )
        verb = "would remove" if options["dry_run"] else "removed"
        self.stdout.write(f"Orphan files: {len(removed)} {verb}.")
        for name in removed:
            self.stdout.write(f"  {name}")
