"""The review copy's pages as images: the filled USCIS form, marked DRAFT, page by page.

The certifying official approves the very pages that will be printed: the case page shows the
draft fill of the loaded template (``issuing.filing_copy``) as PNGs rendered by PDFium in a
limited child process (page_images.py). A fill and a rendering take a noticeable fraction of a
second each, so both are kept in the cache under a fingerprint of what the form would say: the
template and every item's value. Any change to the request (or the template)
changes the fingerprint; nothing stale is served.
"""

from __future__ import annotations

import hashlib
import io
import json

from django.conf import settings
from django.core.cache import cache
from pypdf import PdfReader

from cases.documents import draft, issuing, page_images
from cases.models import CertificationRequest, FormTemplate
from cases.uscis import formmap

CACHE_SECONDS = 600
PDF_CACHE_SECONDS = 120  # the fill, for the page images the case page asks for right after


def template(request: CertificationRequest) -> FormTemplate | None:
    """The active template of the request's form and edition, its file not read (the
    fingerprint needs its SHA-256 and box matches only)."""
    return (
        FormTemplate.objects.filter(
            form_type=request.form_type, edition=request.form_edition, active=True
        )
        .defer("pdf")
        .first()
    )


def fingerprint(request: CertificationRequest) -> str | None:
    """What the draft form would say, hashed; None where no template is loaded.

    The filled fields follow from the form map's values and the template's box matches
    (official.official_values), so these, with the template's SHA-256, are what is hashed.
    """
    found = template(request)
    if found is None:
        return None
    items = [
        (part.number, filled.item.number, repr(filled.value), filled.applies)
        for part, filled_items in formmap.fill(request)
        for filled in filled_items
    ]
    facts = {
        "mark": draft.DRAFT_MARK,
        "dpi": settings.UVISA_REVIEW_PAGE_DPI,
        "template": found.sha256,
        "boxes": [found.category_fields, found.choice_fields, found.field_map],
        "form": formmap.edition_for(request).form_name,
        "items": items,
    }
    encoded = json.dumps(facts, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def _pdf(request: CertificationRequest, key: str) -> bytes:
    pdf = cache.get(f"review-pdf:{key}")
    if pdf is None:
        pdf = issuing.filing_copy(request)
        cache.set(f"review-pdf:{key}", pdf, PDF_CACHE_SECONDS)
    return pdf


def page_count(request: CertificationRequest) -> tuple[str, int] | None:
    """(fingerprint, number of pages) of the draft form; None where no template is loaded."""
    key = fingerprint(request)
    if key is None:
        return None
    count = cache.get(f"review-count:{key}")
    if count is None:
        count = len(PdfReader(io.BytesIO(_pdf(request, key))).pages)
        cache.set(f"review-count:{key}", count, CACHE_SECONDS)
    return key, count


def page_png(request: CertificationRequest, number: int) -> bytes | None:
    """Page ``number`` (1-based) of the draft form as PNG; None if there is no such page.

    Raises ``page_images.Busy`` when every rendering slot is taken and
    ``page_images.RenderFailed`` when the limits are hit.
    """
    key = fingerprint(request)
    if key is None or number < 1:
        return None
    png = cache.get(f"review-png:{key}:{number}")
    if png is not None:
        return png
    pngs = page_images.render(
        _pdf(request, key),
        dpi=settings.UVISA_REVIEW_PAGE_DPI,
        cpu_seconds=settings.UVISA_RENDER_CPU_SECONDS,
        memory_mb=settings.UVISA_RENDER_MEMORY_MB,
        slots=settings.UVISA_RENDER_CONCURRENCY,
    )
    cache.set_many({f"review-png:{key}:{n}": data for n, data in enumerate(pngs, 1)}, CACHE_SECONDS)
    cache.set(f"review-count:{key}", len(pngs), CACHE_SECONDS)
    return pngs[number - 1] if number <= len(pngs) else None
