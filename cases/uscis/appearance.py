"""Text measurement and drawing for AcroForm appearance streams and continuation sheets.

Everything is measured and drawn with DejaVu Sans, whose glyphs cover the Latin letters of
Vietnamese, Haitian Creole and Spanish names, so what fits is decided with the font that prints.
Only stdlib, pypdf and reportlab.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from cases.uscis.pdf_fields import Continuation, ContinuationEntry, Field

FONT_DIR = Path(os.environ.get("UVISA_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
FONT = "AcroformDejaVuSans"
FONT_BOLD = "AcroformDejaVuSans-Bold"
PAD = 2.0  # points between the widget border and the text
LINE_FACTOR = 1.15  # line height as a multiple of the font size, in boxes without rules
AUTO_MAX, AUTO_MIN = 10.0, 7.0  # font sizes tried for auto-sized (0 Tf) fields
SINGLE_MIN = 6.0  # a one-line value shrinks down to this size before it is continued
STEP = 0.5  # font sizes are tried in steps of this much
# On a ruled box: the height above the baseline that accented capitals (Vietnamese "Ễ") reach,
# the depth of descenders, both per point of font size, and the clearance kept from each rule.
ASCENT, DESCENT = 0.93, 0.24
RULE_GAP = 1.0

# --- fonts and text measurement ---


def register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def _width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def clean(value: str) -> str:
    """NFC (one code point per accented letter), Windows newlines made plain."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\t", " ")


_TOKEN = re.compile(r"\n|[^\S\n]+|[^\s]+")


def _wrap(text: str, size: float, width: float, max_lines: int) -> tuple[list[str], int]:
    """Greedy word wrap; returns the lines that fit and how many characters of text they hold.

    The count always ends at a token boundary, so ``text[count:]`` is the remainder.
    """
    lines: list[str] = []
    current = ""
    consumed = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "\n":
            lines.append(current)
            current = ""
            if len(lines) >= max_lines:
                return lines, match.end()
            consumed = match.end()
            continue
        if token.isspace():
            if current:
                current += token
            consumed = match.end() if not current else consumed
            continue
        candidate = current + token
        if _width(candidate, size) <= width:
            current = candidate
            consumed = match.end()
            continue
        if current.strip():
            lines.append(current.rstrip())
            if len(lines) >= max_lines:
                return lines, consumed
            current = ""
        # the word on a line of its own, split by characters if it is wider than the line
        start = match.start()
        while _width(token, size) > width:
            cut = max(1, _chars_fitting(token, size, width))
            lines.append(token[:cut])
            start += cut
            token = token[cut:]
            if len(lines) >= max_lines:
                return lines, start
        current = token
        consumed = match.end()
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines[:max_lines], len(text) if len(lines) <= max_lines else consumed


def _chars_fitting(text: str, size: float, width: float) -> int:
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _width(text[:mid], size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo


@dataclass(frozen=True)
class _Layout:
    size: float
    lines: list[str]
    consumed: int  # characters of the text that fit
    baselines: tuple[float, ...] = ()  # of the lines, from the box's bottom edge


def _layout(f: Field, text: str, rect: tuple[float, float, float, float]) -> _Layout:
    """How ``text`` is printed in the widget: font size, lines, and how much of it fits."""
    width = rect[2] - rect[0] - 2 * PAD
    height = rect[3] - rect[1]
    if f.comb and f.max_length:
        size = f.font_size or min(AUTO_MAX, height * 0.7)
        head = text[: f.max_length]
        return _Layout(size, [head], len(head), (height / 2 - size * 0.35,))
    limit = len(text) if f.max_length is None else min(len(text), f.max_length)
    if limit < len(text) and not text[limit].isspace():  # do not cut a word at /MaxLen
        space = max(text.rfind(" ", 0, limit), text.rfind("\n", 0, limit))
        limit = space if space > 0 else limit
    if f.multiline and _ruled_baselines(f.rules, height, f.font_size or AUTO_MAX)[1]:
        return _ruled_layout(f, text[:limit], width, height)
    best: _Layout | None = None
    for size in _sizes(f, height):
        if f.multiline:
            max_lines = max(1, int((height - 2 * PAD) // (size * LINE_FACTOR)))
            lines, consumed = _wrap(text[:limit], size, width, max_lines)
            top = height - PAD - size * 0.95
            baselines = tuple(top - i * size * LINE_FACTOR for i in range(len(lines)))
        else:
            lines, consumed = _wrap(text[:limit].replace("\n", " "), size, width, 1)
            if "\n" in text[:consumed]:
                consumed = text.index("\n")
                lines = [text[:consumed]]
            baselines = (height / 2 - size * 0.35,)
        best = _Layout(size, lines, consumed, baselines)
        if consumed >= len(text):
            return best
    assert best is not None
    return best


def _sizes(f: Field, height: float) -> list[float]:
    """Font sizes to try, largest first: the /DA size (or an automatic one), and for a single
    line smaller ones down to ``SINGLE_MIN``, so that a value is shrunk before it is cut."""
    if f.multiline:
        top, bottom = (f.font_size, f.font_size) if f.font_size else (AUTO_MAX, AUTO_MIN)
    else:
        top = f.font_size or max(AUTO_MIN, min(AUTO_MAX + 2, (height - 2 * PAD) * 0.8))
        bottom = min(top, SINGLE_MIN)
    sizes = []
    size = top
    while size >= bottom - 1e-9:
        sizes.append(size)
        size -= STEP
    return sizes or [bottom]


def _ruled_baselines(
    rules: Sequence[float], height: float, size: float
) -> tuple[float, tuple[float, ...]]:
    """(font size, baselines) for writing on the printed rules of a box, top line first.

    Each line stands ``RULE_GAP`` above its rule, clear of it by the descenders' depth; the size
    is the one asked for, made smaller if the rules are too close together for it. A rule with
    too little room above it inside the box (one at its top edge) carries no line.
    """
    if not rules:
        return size, ()
    ordered = sorted(rules, reverse=True)
    gaps = [a - b for a, b in zip(ordered, ordered[1:], strict=False)]
    pitch = min(gaps) if gaps else height - ordered[0]
    size = min(size, max(AUTO_MIN, (pitch - 2 * RULE_GAP) / (ASCENT + DESCENT)))
    lift = DESCENT * size + RULE_GAP
    room = height - PAD / 2 - ASCENT * size
    return size, tuple(r + lift for r in ordered if r + lift <= room)


def _ruled_layout(f: Field, text: str, width: float, height: float) -> _Layout:
    size, baselines = _ruled_baselines(f.rules, height, f.font_size or AUTO_MAX)
    lines, consumed = _wrap(text, size, width, len(baselines))
    return _Layout(size, lines, consumed, baselines[: len(lines)])


def split_to_fit(f: Field, text: str, marker: str = "", always: bool = False) -> tuple[str, str]:
    """(what is printed in the field, what continues elsewhere); ``marker`` ends the first part
    when the text is cut, or ``always`` (more follows elsewhere even if this text fits)."""
    rect = f.rect
    if not f.multiline:  # a single line cannot show a line break
        text = " ".join(text.split("\n"))
    layout = _layout(f, text, rect)
    fits = layout.consumed >= len(text) or not text[layout.consumed :].strip()
    if fits and not (always and marker):
        return text if layout.consumed >= len(text) else text[: layout.consumed].rstrip(), ""
    if marker:
        reserve = " " + marker
        whole = text.rstrip() + reserve
        if fits and _layout(f, whole, rect).consumed >= len(whole):
            return whole, ""
        fitted = _layout(f, text + reserve, rect)  # room left once the marker is placed
        for cut in _cut_points(text, fitted.consumed):
            head = text[:cut].rstrip()
            if head and _layout(f, head + reserve, rect).consumed >= len(head + reserve):
                return head + reserve, text[cut:].lstrip()
    cut = layout.consumed
    return text[:cut].rstrip(), text[cut:].lstrip()


def _cut_points(text: str, upto: int) -> Iterator[int]:
    """Candidate places to cut, latest first: word boundaries, then any character."""
    spaces = [m.start() for m in re.finditer(r"\s", text[: upto + 1])]
    yield from reversed(spaces)
    yield from range(min(upto, len(text)), 0, -1)


def _colour(values: Any) -> tuple[float, ...] | None:
    if not values:
        return None
    return tuple(float(v) for v in values)


def _set_fill(canvas: Canvas, colour: tuple[float, ...]) -> None:
    if len(colour) == 1:
        canvas.setFillGray(colour[0])
    elif len(colour) == 3:
        canvas.setFillColorRGB(*colour)
    elif len(colour) == 4:
        canvas.setFillColorCMYK(*colour)


def draw(canvas: Canvas, info: Field, widget: Any, text: str) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    w, h = abs(x1 - x0), abs(y1 - y0)
    canvas.setPageSize((w, h))
    background = _colour(widget.get("/MK", {}).get("/BG"))
    if background:
        _set_fill(canvas, background)
        canvas.rect(0, 0, w, h, stroke=0, fill=1)
    canvas.setFillGray(0)
    path = canvas.beginPath()
    path.rect(PAD / 2, PAD / 2, max(0.0, w - PAD), max(0.0, h - PAD))
    canvas.clipPath(path, stroke=0, fill=0)
    layout = _layout(info, text, (0.0, 0.0, w, h))
    canvas.setFont(FONT, layout.size)
    if info.comb and info.max_length:
        cell = w / info.max_length
        for i, char in enumerate(layout.lines[0]):
            canvas.drawCentredString(cell * (i + 0.5), layout.baselines[0], char)
        return w, h
    for line, y in zip(layout.lines, layout.baselines, strict=False):
        if info.quadding == 1:
            canvas.drawCentredString(w / 2, y, line)
        elif info.quadding == 2:
            canvas.drawRightString(w - PAD, y, line)
        else:
            canvas.drawString(PAD, y, line)
    return w, h


# --- continuation sheets ---


class OnDraw(Flowable):
    """Takes no room and prints nothing: calls ``action`` with the canvas where it is placed
    (which page an entry starts or ends on)."""

    def __init__(self, action: Callable[[Canvas], None]) -> None:
        super().__init__()
        self.action = action

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.action(self.canv)


SHEET_MARGIN = 54.0
SIGN_HEIGHT = 96.0  # the foot of each sheet: ink lines for signature and date, page number


def continuation_sheets(cont: Continuation, entries: Sequence[ContinuationEntry]) -> bytes:
    """Letter pages for what Part 7 cannot hold, each entry headed by its Page, Part and Item.

    As Form I-918 Supplement B's instructions ask of an attached sheet, each one carries the
    form's name and edition, Part 7 Additional Information, the A-Number, the victim's name and
    the agency, and is signed and dated: every sheet has ink lines for the certifying official's
    signature and the date (never filled), and "Page x of y" among the attached sheets.
    """

    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13, spaceAfter=4)
    head = ParagraphStyle("head", parent=body, fontName=FONT_BOLD, spaceBefore=8)

    def printing(where: str) -> OnDraw:
        return OnDraw(lambda _canvas: current.update(where=where))

    def story() -> list[Any]:
        flowables: list[Any] = []
        for entry in entries:
            where = ", ".join(
                p
                for p in (
                    f"Page {entry.page}" if entry.page else "",
                    f"Part {entry.part}",
                    f"Item {entry.item}",
                )
                if p
            )
            flowables.append(Paragraph(escape(f"{where} (continued)"), head))
            flowables.append(printing(where))
            for para in clean(entry.text).split("\n"):
                flowables.append(Paragraph(escape(para) or "&nbsp;", body))
            flowables.append(printing(""))  # where the entry ends
            flowables.append(Spacer(1, 6))
        return flowables

    total = 0  # pages, once counted
    current = {"where": ""}  # the entry being printed when a page ends

    def frame(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        width, height = LETTER
        left, right = SHEET_MARGIN, width - SHEET_MARGIN
        canvas.setFont(FONT, 9)
        if cont.form:
            canvas.drawString(left, height - 36, cont.form)
        canvas.setFont(FONT_BOLD, 11)
        canvas.drawString(left, height - 52, f"Part {cont.part}. {cont.title} (attached sheet)")
        canvas.setFont(FONT, 9)
        canvas.drawString(left, height - 67, f"A-Number: {cont.a_number or 'None'}")
        canvas.drawString(left, height - 80, f"Victim: {cont.victim_name}")
        canvas.drawString(left, height - 93, f"Certifying agency: {cont.agency}")
        canvas.line(left, height - 100, right, height - 100)
        if current["where"]:  # an entry carried over from the sheet before
            canvas.setFont(FONT_BOLD, 10)
            canvas.drawString(left, height - 118, f"{current['where']} (continued)")
            canvas.setFont(FONT, 9)
        # Ink lines: the certifying official signs and dates each sheet by hand.
        canvas.line(left, SIGN_HEIGHT - 12, right, SIGN_HEIGHT - 12)
        sign_y = 58.0
        date_x = right - 150
        canvas.line(left, sign_y, date_x - 24, sign_y)
        canvas.line(date_x, sign_y, right, sign_y)
        canvas.setFont(FONT, 8)
        canvas.drawString(left, sign_y - 10, "Signature of Certifying Official")
        canvas.drawString(date_x, sign_y - 10, "Date of Signature (mm/dd/yyyy)")
        canvas.setFont(FONT, 9)
        canvas.drawRightString(right, 30, f"Page {doc.page} of {total or doc.page}")
        canvas.restoreState()

    def build() -> bytes:
        current["where"] = ""
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=LETTER,
            leftMargin=SHEET_MARGIN,
            rightMargin=SHEET_MARGIN,
            topMargin=124,
            bottomMargin=SIGN_HEIGHT,
            title="Additional information (continued)",
            invariant=1,
        )
        doc.build(story(), onFirstPage=frame, onLaterPages=frame)
        return out.getvalue()

    total = len(PdfReader(io.BytesIO(build())).pages)
    return build()
