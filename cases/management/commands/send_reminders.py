"""Send due deadline and validity reminders; safe to run from cron every minute."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail the deadline (c. 258F s. 3) and filing-validity reminders due now, once each."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = send_reminders(now=timezone.now())
        self.stdout.write(
            "Reminders: {sent} sent, {skipped} already sent, {failed} failed ({due} due).".format(
                **counts
            )
        )
