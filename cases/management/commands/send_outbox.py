"""Send the notices in the outbox: a loop for production (systemd), --once for cron or tests."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from cases.notifications import deliver_due


class Command(BaseCommand):
    help = (
        "Send the e-mail notices the steps wrote to the outbox, retrying failures with "
        "exponential back-off. Runs until stopped, or once with --once."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due, then stop.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between two looks (loop mode)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self._report(deliver_due())
            return
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            close_old_connections()  # a restarted database is reconnected on the next look
            try:
                counts = deliver_due()
            except DatabaseError as exc:
                self.stderr.write(f"Outbox: database unavailable ({exc}); trying again.")
            else:
                if any(counts.values()):
                    self._report(counts)
            time.sleep(options["interval"])

    def _report(self, counts: dict[str, int]) -> None:
        self.stdout.write(
            "Outbox: {sent} sent, {retry} to retry, {failed} not sent, {skipped} taken by "
            "another worker, {stuck} interrupted.".format(**counts)
        )
