"""Write a Sec. 50-105 report (PDF and CSV) to files, e.g. the sample in docs/samples/."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from federal_requests import reports
from federal_requests.periods import period_containing, period_starting


class Command(BaseCommand):
    help = "Write the report of a period as PDF and CSV (public version unless --internal)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", help="first day of the period, YYYY-MM-DD (default: last)")
        parser.add_argument("--out", default=".", help="directory to write to")
        parser.add_argument("--internal", action="store_true", help="the internal version")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["period"]:
            try:
                period = period_starting(date.fromisoformat(options["period"]))
            except ValueError:
                period = None
            if period is None:
                raise CommandError("No report period starts on that day.")
        else:
            period = period_containing(timezone.localdate()).previous()
        public = not options["internal"]
        report = reports.build_report(period, now=timezone.now())
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        stem = f"sec-50-105-report-{period.slug}-{'public' if public else 'internal'}"
        (out / f"{stem}.pdf").write_bytes(reports.to_pdf(report, public=public))
        (out / f"{stem}.csv").write_text(reports.to_csv(report, public=public))
        self.stdout.write(f"Wrote {out / stem}.pdf and .csv ({period.label}).")
