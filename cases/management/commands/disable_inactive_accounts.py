"""Disable accounts unused for UVISA_INACTIVE_DAYS (90) days (CJIS AC-2(3), C8). Run daily.

Accounts are disabled, never deleted: their user names stay taken (IA-4) and the audit
trail keeps pointing at them. Disabling ends the account's sessions (cases/security.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone


class Command(BaseCommand):
    help = "Disable accounts with no sign-in for UVISA_INACTIVE_DAYS days."

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(days=settings.UVISA_INACTIVE_DAYS)
        stale = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        )
        names = []
        for user in stale:
            user.is_active = False
            user.save(update_fields=["is_active"])  # the signal ends the sessions
            names.append(user.get_username())
        self.stdout.write(f"Disabled {len(names)} inactive accounts: {', '.join(names) or '-'}")
