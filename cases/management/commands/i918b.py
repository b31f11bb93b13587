"""Write a request's Form I-918 Supplement B: the filled official form, or the review copy.

    python manage.py i918b MPD-UV-2026-0022 --out form.pdf            # the official form
    python manage.py i918b MPD-UV-2026-0022 --out review.pdf --review # our layout, not for filing

Once the form is issued, the official form is the stored file, exactly as issued (sealed).
Before (or without) a decision, a received, undecided, declined or withdrawn request, the form
is filled now from the loaded template as a draft: "DRAFT - NOT ISSUED - DO NOT SIGN" on every
page and in its metadata, not sealed. Only the form issued at the decision is signed in ink.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.documents.issuing import filing_copy, review_pdf
from cases.errors import WorkflowError
from cases.models import CertificationRequest, FormType, IssuedForm


class Command(BaseCommand):
    help = "Write a request's filled official Form I-918 Supplement B (or --review: review copy)."
    form_type = FormType.U_VISA  # a T request never gets an I-918B (`i914b` writes its form)
    other_command = {FormType.U_VISA: "i918b", FormType.T_VISA: "i914b"}

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("reference")
        parser.add_argument("--out", required=True, help="PDF file to write")
        parser.add_argument(
            "--review", action="store_true", help="the review copy (our layout, not for filing)"
        )

    def handle(self, *args: Any, **options: Any) -> str:
        request = CertificationRequest.objects.filter(reference=options["reference"]).first()
        if request is None:
            raise CommandError(f"No request {options['reference']}.")
        if request.form_type != self.form_type:
            raise CommandError(
                f"{request.reference} is a {request.get_form_type_display()} request; "
                f"use `python manage.py {self.other_command[request.form_type]}`."
            )
        form = IssuedForm.objects.current_for(request)
        if options["review"]:
            data, kind = review_pdf(request), "review copy (not for filing)"
        elif form is not None:
            data, kind = form.data, "official form as issued"
        else:
            try:
                data = filing_copy(request)
            except WorkflowError as exc:
                raise CommandError(str(exc)) from exc
            kind = "official form filled now as a DRAFT - NOT ISSUED - DO NOT SIGN (not sealed)"
        Path(options["out"]).write_bytes(data)
        return f"Wrote the {kind} of {request.reference} to {options['out']} ({len(data)} bytes)."
