"""Write a self-signed development signing identity (PKCS#12) for the agency.

Production uses the department's own key and certificate (UVISA_SIGNING_P12 and its password).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.documents.signing import create_identity


class Command(BaseCommand):
    help = "Create a development signing key and self-signed certificate (PKCS#12)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", help="PKCS#12 path (default: UVISA_SIGNING_P12)")
        parser.add_argument(
            "--password-file",
            help="write a new random password here "
            "(default: <out>.password); point UVISA_SIGNING_P12_PASSWORD_FILE at it",
        )
        parser.add_argument(
            "--name",
            default="Medford Police Department (development)",
            help="certificate common name",
        )
        parser.add_argument("--force", action="store_true", help="replace an existing file")

    def handle(self, *args: Any, **options: Any) -> str:
        out = Path(options["out"] or settings.UVISA_SIGNING_P12)
        password_file = Path(options["password_file"] or f"{out}.password")
        if out.exists() and not options["force"]:
            raise CommandError(f"{out} exists; use --force to replace it.")
        if settings.UVISA_SIGNING_P12_PASSWORD and not options["password_file"]:
            password = settings.UVISA_SIGNING_P12_PASSWORD
        else:
            password = secrets.token_urlsafe(24)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n")
            os.chmod(password_file, 0o600)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(
            create_identity(
                common_name=options["name"],
                organization=options["name"],
                password=password.encode(),
            )
        )
        os.chmod(out, 0o600)
        return (
            f"Wrote {out}. Password in {password_file}: set "
            f"UVISA_SIGNING_P12={out} UVISA_SIGNING_P12_PASSWORD_FILE={password_file}"
        )
