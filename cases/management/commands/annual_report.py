"""Write the c. 258F s. 4 annual report to a file, e.g. for EOPSS by February 1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases.reporting import annual, exports
from cases.selectors import the_agency


class Command(BaseCommand):
    help = "Write the c. 258F s. 4 annual report for a calendar year as CSV or PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["csv", "pdf"], required=True)
        parser.add_argument("--out", required=True, help="file to write ('-' for stdout, CSV)")
        parser.add_argument(
            "--public", action="store_true", help='public version: counts 1-4 shown as "<5"'
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        year = options["year"]
        if not annual.FIRST_YEAR <= year <= timezone.localdate(now).year:
            raise CommandError(
                f"No report for {year}: c. 258F applies from {annual.FIRST_YEAR} "
                "to the current year."
            )
        agency = getattr(the_agency(), "name", "")
        report = annual.build_annual_report(year, now=now, agency=agency)
        public = options["public"]
        if options["format"] == "csv":
            content: bytes = exports.to_csv(report, public=public).encode()
        else:
            content = exports.to_pdf(report, public=public)
        if options["out"] == "-":
            if options["format"] == "pdf":
                raise CommandError("Write the PDF to a file with --out FILE.")
            self.stdout.write(content.decode(), ending="")
            return
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"No such directory: {out.parent}")
        out.write_bytes(content)
        self.stderr.write(f"Wrote {out} ({len(content)} bytes).")
