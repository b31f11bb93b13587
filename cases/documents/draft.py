"""The DRAFT marking of an official form filled before the certifying official's decision.

Only the form issued at the decision (``issuing.issue_form``, sealed) goes to the certifying
official for the ink signature (Form I-918 Supplement B instructions, Part 6; 8 CFR
214.14(c)(2)(i)). Any other fill of USCIS's form looks just as official, so every page of it
says "DRAFT - NOT ISSUED - DO NOT SIGN":

- in the top and bottom margins, where USCIS's pages print nothing, in red, as page text (a
  text extractor and a screen reader read it);
- once diagonally across the page, light and translucent (PDF 1.4 constant alpha, so the file
  says at least PDF 1.4), drawn under the fields (widget appearances are painted after the
  page content), so that no value is hidden; on a continuation sheet, whose text is page
  content, the text shows through it;

and its document information says the same (/Title, /Subject); it says nothing of an issue or
of the ink signature. Every field is made read-only, so that a viewer does not invite typing
into it. A pure library: pypdf and reportlab, nothing from Django.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

DRAFT_MARK = "DRAFT - NOT ISSUED - DO NOT SIGN"

_FF_READ_ONLY = 1  # PDF 32000-1:2008, table 221: field flag bit 1
MARGIN_FONT = ("Helvetica-Bold", 9.0)
# USCIS's pages print nothing within about 0.4 in of the top and bottom edges; the line sits
# between a printer's unprintable 0.2 in and the form's header and footer.
MARGIN_BASELINE = 15.0  # points from the edge to the baseline
DIAGONAL_FONT = "Helvetica-Bold"
DIAGONAL_SHARE = 0.8  # of the page's diagonal: clear of the corners
DIAGONAL_ALPHA = 0.13


def metadata(form_name: str, *, author: str, day: str) -> dict[str, str]:
    """The document information of a draft: what it is, and that it is not to be signed."""
    return {
        "/Title": f"{form_name}, {DRAFT_MARK}",
        "/Subject": f"{DRAFT_MARK}: filled on {day} for review before the certifying "
        "official's decision; not sealed, not for signature or filing",
        "/Author": author,
        "/Keywords": "draft, not issued, do not sign",
        "/Creator": "U-visa certification tracker",
    }


def _overlay(width: float, height: float, text: str = DRAFT_MARK) -> bytes:
    """One page of marks (``text``) for a page of this size."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height), invariant=1)
    canvas.setTitle(text)
    canvas.setFillColor(colors.Color(0.7, 0.05, 0.05))
    canvas.setFont(*MARGIN_FONT)
    line = f"{text}  \u2022  {text}"
    canvas.drawCentredString(width / 2, height - MARGIN_BASELINE - MARGIN_FONT[1] * 0.7, line)
    canvas.drawCentredString(width / 2, MARGIN_BASELINE, line)
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.7, 0.05, 0.05, alpha=DIAGONAL_ALPHA))
    size = DIAGONAL_SHARE * math.hypot(width, height) / stringWidth(text, DIAGONAL_FONT, 1)
    canvas.setFont(DIAGONAL_FONT, size)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(math.degrees(math.atan2(height, width)))
    canvas.drawCentredString(0, -size / 3, text)
    canvas.restoreState()
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def mark(pdf: bytes, info: Mapping[str, str], *, text: str = DRAFT_MARK) -> bytes:
    """``pdf`` with the DRAFT marks (or another ``text``, the form editions page's preview)
    on every page, read-only fields and ``info`` in its document information."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    overlays: dict[tuple[float, float], bytes] = {}
    for page in writer.pages:
        box = page.mediabox
        size = (float(box.width), float(box.height))
        if size not in overlays:
            overlays[size] = _overlay(*size, text=text)
        stamp = PdfReader(io.BytesIO(overlays[size])).pages[0]
        page.merge_translated_page(stamp, float(box.left), float(box.bottom), over=True)
    for field in _fields(writer):
        flags = int(field.get("/Ff", 0))
        field[NameObject("/Ff")] = NumberObject(flags | _FF_READ_ONLY)
    writer.add_metadata(dict(info))
    if float(str(writer.pdf_header).removeprefix("%PDF-")) < 1.4:
        writer.pdf_header = "%PDF-1.4"  # the diagonal's transparency (PDF 32000-1, 11.3.7.2)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _fields(writer: PdfWriter) -> list:
    """Every field dictionary of the AcroForm, terminal or not."""
    root = writer.root_object
    acroform = root.get("/AcroForm")
    if acroform is None:
        return []
    found = []
    stack = list(acroform.get_object().get("/Fields", []))
    while stack:
        node = stack.pop().get_object()
        if "/T" in node or "/FT" in node:
            found.append(node)
        stack.extend(node.get("/Kids", []))
    return found
