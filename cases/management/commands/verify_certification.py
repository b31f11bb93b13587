"""Check a Supplement B PDF against the agency's record: exit 0 genuine, 1 altered or unknown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from cases.documents.verification import GENUINE, verify_pdf


class Command(BaseCommand):
    help = "Verify a signed Form I-918 Supplement B PDF. Exit 0 genuine, 1 altered or unknown."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.stdout.write(f"UNKNOWN: cannot read {path}: {exc.strerror}")
            raise SystemExit(1) from exc
        verdict = verify_pdf(data)
        self.stdout.write(verdict.line())
        raise SystemExit(0 if verdict.status == GENUINE else 1)
