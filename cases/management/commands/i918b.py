"""Write a request's Supplement B: the signed form once certified, otherwise the current draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.documents.issuing import draft_pdf
from cases.models import CertificationRequest, IssuedForm


class Command(BaseCommand):
    help = "Render a request's Form I-918 Supplement B (signed if certified, else the draft)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("reference")
        parser.add_argument("--out", required=True, help="PDF file to write")
        parser.add_argument("--draft", action="store_true", help="the draft even if certified")

    def handle(self, *args: Any, **options: Any) -> str:
        request = CertificationRequest.objects.filter(reference=options["reference"]).first()
        if request is None:
            raise CommandError(f"No request {options['reference']}.")
        form = IssuedForm.objects.filter(request=request).first()
        if form is not None and not options["draft"]:
            data, kind = bytes(form.pdf), "signed form"
        else:
            data, kind = draft_pdf(request), "draft"
        Path(options["out"]).write_bytes(data)
        return f"Wrote the {kind} of {request.reference} to {options['out']} ({len(data)} bytes)."
