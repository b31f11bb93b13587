"""Appoint the agency's very first head (8 CFR 214.14(a)(3): the head of the agency certifies, or
designates supervisors in writing). Run by an administrator once, when no head is on file:

    python manage.py appoint_head chief --family-name Delaney --given-name Frank \
        --title "Chief of Police" [--middle-name M] [--effective-on 2026-12-01]

Later heads are appointed by the outgoing head on the Certifying officials page; the command
refuses while a head is active. The account needs the Chief's role first (IT grants it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.selectors import the_agency
from cases.services.designations import designation_appoint_head


class Command(BaseCommand):
    help = "Appoint the agency's first head (later heads: the head's own page)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="account of the new head (with the Chief's role)")
        parser.add_argument("--family-name", required=True)
        parser.add_argument("--given-name", required=True)
        parser.add_argument("--middle-name", default="")
        parser.add_argument("--title", required=True, help='e.g. "Chief of Police"')
        parser.add_argument(
            "--effective-on", default="", help="YYYY-MM-DD, today or later (default today)"
        )
        parser.add_argument("--note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = the_agency()
        if agency is None:
            raise CommandError("No agency is set up yet: load the reference data first.")
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No account named {options['username']!r}.")
        try:
            effective_on = (
                date.fromisoformat(options["effective_on"]) if options["effective_on"] else None
            )
        except ValueError:
            raise CommandError("Give --effective-on as YYYY-MM-DD.") from None
        try:
            head = designation_appoint_head(
                actor=None,
                agency=agency,
                user=user,
                family_name=options["family_name"],
                given_name=options["given_name"],
                middle_name=options["middle_name"],
                title=options["title"],
                effective_on=effective_on,
                note=options["note"],
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"{head} is the head of {agency.name} from {head.designated_on:%m/%d/%Y}."
        )
