"""Find the forms issued with I-918B Part 4 answered backwards, and put them right.

    python manage.py correct_part4_forms                     # lists them; changes nothing
    python manage.py correct_part4_forms --apply             # a notice on each request; a
                                                              # corrected form for signed ones
    python manage.py correct_part4_forms --apply --reissue-unsigned --by chief
                                                              # also voids each unsigned one
                                                              # and issues it again, corrected

Run once after upgrading past migration 0029 (CHANGELOG.md). Each form in force is read back
and compared with the department's answers (cases/documents/corrections.py); nothing is
deleted and every step is an audit event.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.documents import corrections
from cases.errors import WorkflowError


class Command(BaseCommand):
    help = "Find issued Supplement B forms whose Part 4 was filled backwards, and correct them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--apply", action="store_true", help="record the notices")
        parser.add_argument(
            "--reissue-unsigned",
            action="store_true",
            help="void each unsigned wrong form and issue it again, corrected (needs --by)",
        )
        parser.add_argument("--by", help="username of the certifying official (or an admin)")

    def handle(self, *args: Any, **options: Any) -> str:
        actor = None
        if options["by"]:
            actor = get_user_model().objects.filter(username=options["by"]).first()
            if actor is None:
                raise CommandError(f"No user {options['by']}.")
        if options["reissue_unsigned"] and (actor is None or not options["apply"]):
            raise CommandError("--reissue-unsigned needs --apply and --by USERNAME.")
        found = flagged = reissued = 0
        for form in corrections.candidates().iterator():
            problems = corrections.part4_problems(form)
            if not problems:
                continue
            found += 1
            signed = hasattr(form, "ink_signature")
            self.stdout.write(
                f"{form.request.reference} form {form.verification_code} "
                f"({'signed in ink' if signed else 'not signed'}): " + "; ".join(problems)
            )
            if not options["apply"]:
                continue
            corrections.flag(form, actor=actor, problems=problems)
            flagged += 1
            if options["reissue_unsigned"] and not signed:
                try:
                    new = corrections.request_reissue_corrected(request=form.request, actor=actor)
                except WorkflowError as exc:
                    self.stderr.write(f"{form.request.reference}: not re-issued: {exc}")
                    continue
                reissued += 1
                self.stdout.write(f"  voided; corrected form issued as {new.verification_code}")
        pending = "" if options["apply"] else " (nothing changed: run with --apply)"
        return f"{found} wrong forms, {flagged} flagged, {reissued} re-issued{pending}."
