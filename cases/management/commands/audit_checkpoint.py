"""Write a signed checkpoint of the audit chains' heads to a file outside the database.

Daily cron (docs/deploy.md), to a directory on another host or write-once storage: a later
``audit_verify --checkpoint FILE`` shows whether history before that day was rewritten, even
by someone who could rewrite the tables and their heads (C9, C10, C21: protect audit records
and copy them off the system).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.audit import checkpoint


class Command(BaseCommand):
    help = "Write the audit chains' heads, with a MAC under UVISA_AUDIT_KEY, to a file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, help="directory (or a .json file name)")

    def handle(self, *args: Any, out: str, **options: Any) -> None:
        data = checkpoint()
        target = Path(out)
        if target.suffix != ".json":
            target.mkdir(parents=True, exist_ok=True)
            target = target / f"audit-checkpoint-{timezone.now():%Y-%m-%dT%H%M%SZ}.json"
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
        self.stdout.write(f"{target}")
