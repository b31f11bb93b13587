"""Median time to fill the official form and seal it, over N runs (default 50).

Uses the first request in the database (or --reference), the active Supplement B template and
the configured signing key; writes nothing to the database. Also times the review copy.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.documents import official
from cases.documents.issuing import review_pdf
from cases.documents.signing import sign_pdf
from cases.errors import WorkflowError
from cases.models import CertificationRequest, FormType


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} ms"


class Command(BaseCommand):
    help = "Print the median time to fill and seal one Form I-918 Supplement B."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--runs", type=int, default=50)
        parser.add_argument("--reference")

    def handle(self, *args: Any, **options: Any) -> str:
        requests = CertificationRequest.objects.filter(form_type=FormType.U_VISA).order_by("pk")
        if options["reference"]:
            requests = requests.filter(reference=options["reference"])
        request = requests.first()
        if request is None:
            raise CommandError("No request to fill; run `python manage.py seed_demo` first.")
        try:
            template = official.template_for(request)
        except WorkflowError as exc:
            raise CommandError(str(exc)) from exc
        # Warm-up: imports, fonts, the parsed template.
        sign_pdf(official.official_pdf(request, template), reason="warm-up", location="here")
        review_pdf(request)
        fills, seals, totals, reviews = [], [], [], []
        pdf = sealed = b""
        for _ in range(options["runs"]):
            start = time.perf_counter()
            pdf = official.official_pdf(request, template)
            middle = time.perf_counter()
            sealed, _ = sign_pdf(pdf, reason="benchmark", location="benchmark")
            end = time.perf_counter()
            fills.append(middle - start)
            seals.append(end - middle)
            totals.append(end - start)
            start = time.perf_counter()
            review_pdf(request)
            reviews.append(time.perf_counter() - start)
        return (
            f"{options['runs']} runs on {request.reference}: median fill {_ms(fills)}, "
            f"median seal {_ms(seals)}, median fill + seal {_ms(totals)} (goal 300 ms); "
            f"median review copy {_ms(reviews)} "
            f"(filled {len(pdf)} bytes, sealed {len(sealed)} bytes)"
        )
