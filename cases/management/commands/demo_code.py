"""Print a demo user's current TOTP code (or key), so the demo runs without a phone.

Refuses unless DEBUG is on: in production, codes come only from the user's own device.
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current TOTP code of a user's confirmed device (DJANGO_DEBUG=1 only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--key", action="store_true", help="print the base32 key instead")

    def handle(self, *args: Any, username: str, key: bool, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code works only with DJANGO_DEBUG=1 (development).")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no enrolled authenticator.")
        if key:
            self.stdout.write(base64.b32encode(device.bin_key).decode())
            return
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
