"""Verify the federal-request log's hash chains (audit trail and access log); exit 1 on the
first break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from federal_requests.audit import verify_access_chain, verify_chain


class Command(BaseCommand):
    help = "Walk the federal-request audit trail and access log and check every hash."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(f"Audit chain broken after {checked} events: {broken}")
        rows, access_broken = verify_access_chain()
        if access_broken is not None:
            raise CommandError(f"Access log chain broken after {rows} rows: {access_broken}")
        self.stdout.write(f"Audit chain intact: {checked} events.")
        self.stdout.write(f"Access log chain intact: {rows} rows.")
