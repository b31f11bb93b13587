"""Taking a new edition of a Supplement B: what the form editions page shows of a loaded file.

The file was cleaned and mapped when it was loaded (official.load_template with ``draft``);
here are its match report, the image of each field's box on its page (so an administrator
chooses a field by what it looks like, not by its name), and a preview fill in which every
mapped box shows the item it answers. Pages are rendered by PDFium in the limited child of
page_images.py and kept in the cache under the file's SHA-256.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from PIL import Image

from cases.documents import demo_fill, official, page_images
from cases.models import FormTemplate
from cases.uscis import acroform, tooltip_match

BOX_DPI = 100
CACHE_SECONDS = 600
MARGIN = 36.0  # points of the page shown around a box
WIDE_MARGIN = 150.0  # to the right of a small box (a checkbox's words follow it)


@dataclass
class EditionView:
    template: FormTemplate
    report: tooltip_match.MatchReport
    fields: list[acroform.Field]

    @property
    def required_left(self) -> list[tooltip_match.SlotMatch]:
        return self.report.required_unmatched()

    def choices_for(self, match: tooltip_match.SlotMatch) -> list[tuple[int, acroform.Field]]:
        """The file's fields an administrator may choose for an item: unclaimed, of the
        item's kind (a box for an option, a text field for text), by index in the file."""
        free = {f.name for f in self.report.unclaimed}
        if match.field:
            free.add(match.field)
        boxes = match.slot.kind != "text"
        return [
            (index, f)
            for index, f in enumerate(self.fields)
            if f.name in free and (f.type in tooltip_match.BOX_TYPES) == boxes
        ]

    def unclaimed_by_index(self) -> list[tuple[int, acroform.Field]]:
        free = {f.name for f in self.report.unclaimed}
        return [(i, f) for i, f in enumerate(self.fields) if f.name in free]


def edition_view(template: FormTemplate) -> EditionView:
    report = official.remap(template, {})
    return EditionView(template, report, acroform.read_inventory(template.data))


def _page_key(sha256: str, page: int) -> str:
    return f"edition-page:{sha256}:{BOX_DPI}:{page}"


def warm_pages(template: FormTemplate) -> None:
    """Every page of the blank file rendered once, in one child, for the boxes' images that
    the page asks for right after (each then only crops its page)."""
    if cache.get(_page_key(template.sha256, 0)) is not None:
        return
    pngs = page_images.render(
        template.data,
        dpi=BOX_DPI,
        cpu_seconds=settings.UVISA_RENDER_CPU_SECONDS,
        memory_mb=settings.UVISA_RENDER_MEMORY_MB,
        slots=settings.UVISA_RENDER_CONCURRENCY,
    )
    cache.set_many({_page_key(template.sha256, n): p for n, p in enumerate(pngs)}, CACHE_SECONDS)


def _page_png(template: FormTemplate, page: int) -> bytes:
    """Page ``page`` (0-based) of the blank file as PNG, cached under the file's hash."""
    png = cache.get(_page_key(template.sha256, page))
    if png is None:
        warm_pages(template)
        png = cache.get(_page_key(template.sha256, page))
    if png is None:
        raise page_images.RenderFailed("no such page")
    return png


def box_png(template: FormTemplate, index: int) -> bytes | None:
    """The image of the file's field number ``index`` (cached), or None when there is none."""
    key = f"edition-box:{template.sha256}:{index}"
    png = cache.get(key)
    if png is None:
        fields = acroform.read_inventory(template.data)
        if index >= len(fields):
            return None
        png = box_image(template, fields[index])
        cache.set(key, png, CACHE_SECONDS)
    return png


def box_image(template: FormTemplate, field: acroform.Field) -> bytes:
    """The field's box with a margin of its page around it, outlined, as PNG."""
    data = template.data
    page_png = _page_png(template, field.page)
    image = Image.open(io.BytesIO(page_png)).convert("RGB")
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(data)).pages[field.page].mediabox
    scale = BOX_DPI / 72.0
    height = float(box.height)
    x0, y0, x1, y1 = field.rect
    left = max(0.0, (x0 - float(box.left) - MARGIN) * scale)
    after = WIDE_MARGIN if x1 - x0 < 40 else MARGIN
    right = min(image.width, (x1 - float(box.left) + after) * scale)
    top = max(0.0, (height - (y1 - float(box.bottom)) - MARGIN) * scale)
    bottom = min(image.height, (height - (y0 - float(box.bottom)) + MARGIN) * scale)
    crop = image.crop((int(left), int(top), int(right), int(bottom)))
    from PIL import ImageDraw

    draw = ImageDraw.Draw(crop)
    bx0 = (x0 - float(box.left)) * scale - left
    by0 = (height - (y1 - float(box.bottom))) * scale - top
    draw.rectangle(
        (bx0 - 2, by0 - 2, bx0 + (x1 - x0) * scale + 2, by0 + (y1 - y0) * scale + 2),
        outline=(200, 0, 0),
        width=3,
    )
    out = io.BytesIO()
    crop.save(out, format="PNG")
    return out.getvalue()


def preview_values(template: FormTemplate) -> dict[str, str | bool]:
    """A demo fill: every mapped text box shows the item it answers ("P2 i5.c"), every
    option's box is ticked (so each shows where it prints); the ink fields stay empty."""
    ink = official.ink_fields(template)
    report = official.remap(template, {})
    values: dict[str, Any] = {}
    for m in report.matched:
        if m.field in ink:
            continue
        if m.slot.kind == "text":
            ref = m.slot.ref
            short = f"P{ref[0]} i{ref[1]}" if ref else m.slot.label
            values[m.field] = f"{values[m.field]} + {short}" if m.field in values else short
        else:
            values[m.field] = True
    return values


def preview_pdf(template: FormTemplate) -> bytes:
    return acroform.fill(
        template.data,
        preview_values(template),
        ink_only=official.ink_fields(template),
        continuation=acroform.Continuation("", "", "", blocks=(), refs={}),
    )


def preview_page(template: FormTemplate, page: int) -> bytes:
    """Page ``page`` (1-based) of the item-number fill, as PNG (cached under the mapping
    version)."""
    return _filled_page(template, page, "items", preview_pdf)


def demo_page(template: FormTemplate, page: int) -> bytes:
    """Page ``page`` (1-based) of a demo request filled on the file as a real request is
    (demo_fill.py), marked as a preview, as PNG (cached under the mapping version)."""
    return _filled_page(template, page, "demo", demo_fill.demo_pdf)


def _filled_page(
    template: FormTemplate, page: int, kind: str, make: Callable[[FormTemplate], bytes]
) -> bytes:
    latest = official.latest_mapping(template)
    version = latest.version if latest else 0
    prefix = f"edition-{kind}:{template.sha256}:{version}"
    png = cache.get(f"{prefix}:{page}")
    if png is None:
        pngs = page_images.render(
            make(template),
            dpi=settings.UVISA_REVIEW_PAGE_DPI,
            cpu_seconds=settings.UVISA_RENDER_CPU_SECONDS,
            memory_mb=settings.UVISA_RENDER_MEMORY_MB,
            slots=settings.UVISA_RENDER_CONCURRENCY,
        )
        cache.set_many({f"{prefix}:{n}": p for n, p in enumerate(pngs, 1)}, CACHE_SECONDS)
        png = pngs[page - 1] if 0 < page <= len(pngs) else None
    if png is None:
        raise page_images.RenderFailed("no such page")
    return png


def page_count(template: FormTemplate) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(template.data)).pages)
