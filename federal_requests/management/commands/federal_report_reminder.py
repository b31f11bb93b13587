"""E-mail the Chief 14 days before a Sec. 50-105 report period ends (once per period)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from federal_requests.reminders import send_report_reminders


class Command(BaseCommand):
    help = "Remind the Chief of the six-monthly report 14 days before the period ends; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = send_report_reminders(today=timezone.localdate())
        self.stdout.write(
            "Report reminders: {sent} sent, {skipped} already sent, {failed} failed "
            "({due} due).".format(**counts)
        )
