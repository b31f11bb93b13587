"""Median time to render and to sign one Supplement B, over N runs (default 50).

Uses the first request in the database (or --reference) and the configured signing key; writes
nothing to the database.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.documents.issuing import verification_code_for
from cases.documents.render import render_form_pdf
from cases.documents.signing import sign_pdf
from cases.models import CertificationRequest


class Command(BaseCommand):
    help = "Print the median time to render and to sign one Form I-918 Supplement B."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--runs", type=int, default=50)
        parser.add_argument("--reference")

    def handle(self, *args: Any, **options: Any) -> str:
        requests = CertificationRequest.objects.order_by("pk")
        if options["reference"]:
            requests = requests.filter(reference=options["reference"])
        request = requests.first()
        if request is None:
            raise CommandError("No request to render; run `python manage.py seed_demo` first.")
        code = verification_code_for(request)
        final = request.signed_on is not None
        render_form_pdf(request, code=code, final=final)  # warm-up: imports, fonts
        render_times, sign_times = [], []
        pdf = b""
        for _ in range(options["runs"]):
            start = time.perf_counter()
            pdf = render_form_pdf(request, code=code, final=final)
            render_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            signed, _ = sign_pdf(pdf, reason="benchmark", location="benchmark")
            sign_times.append(time.perf_counter() - start)
        return (
            f"{options['runs']} runs on {request.reference}: median render "
            f"{statistics.median(render_times) * 1000:.1f} ms, median sign "
            f"{statistics.median(sign_times) * 1000:.1f} ms "
            f"(form {len(pdf)} bytes, signed {len(signed)} bytes)"
        )
