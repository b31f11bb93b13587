"""Queue due deadline and validity reminders, then send what the outbox holds due; safe to
run from cron every minute beside the ``send_outbox`` worker (each mail is claimed once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.notifications import deliver_due
from cases.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Queue the deadline (c. 258F s. 3) and filing-validity reminders due now, once each, "
        "and send the mail due in the outbox."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        counts = send_reminders(now=now)
        self.stdout.write(
            "Reminders: {queued} queued, {skipped} already queued ({due} due).".format(**counts)
        )
        delivered = deliver_due(now=now)
        self.stdout.write(
            "Outbox: {sent} sent, {retry} to retry, {failed} not sent.".format(**delivered)
        )
