"""The review copy of Supplement B (reportlab), drawn from the form map in cases/uscis/formmap.py.

Our own layout of the Parts and Items, for reading on screen; it is never filed and never
sealed. The form to file is the official USCIS PDF, filled by cases/documents/official.py
(8 CFR 103.2(a)(1)). Every page carries the request's reference and the verification code, and
"REVIEW COPY - NOT FOR FILING" runs across each page. Long answers continue in the Additional
Information part with the page, part and item they belong to (Supplement B, Part 7). User text
is escaped before it reaches a Paragraph, so it is printed literally and never read as markup.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from cases.lib.base_url import base_url
from cases.models import FormType, QualifyingCrimeCategory
from cases.uscis import formmap
from cases.uscis.trafficking import TraffickingForm

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from cases.models import CertificationRequest

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
REVIEW_MARK = "REVIEW COPY - NOT FOR FILING"
CONTINUED = "(continued in Part {part})"


def register_fonts() -> None:
    """DejaVu covers Latin with all accents (Vietnamese included), Greek and Cyrillic."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    font_dir = settings.UVISA_FONT_DIR
    pdfmetrics.registerFont(TTFont(FONT, f"{font_dir}/DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, f"{font_dir}/DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


def escape(text: Any) -> str:
    """User text for a Paragraph: NFC-normalised, markup characters escaped, newlines kept."""
    value = unicodedata.normalize("NFC", str(text or ""))
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\r\n", "\n").replace("\n", "<br/>")


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=11.5, alignment=TA_LEFT)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9),
        "label": ParagraphStyle("label", parent=base, fontSize=8.5, leading=10.5),
        "bold": ParagraphStyle("bold", parent=base, fontName=FONT_BOLD),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=13, leading=16),
        "part": ParagraphStyle(
            "part",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=10.5,
            leading=13,
            textColor=colors.white,
            backColor=colors.HexColor("#1b1b1b"),
            borderPadding=(2, 3, 2, 3),
            spaceBefore=8,
            spaceAfter=4,
        ),
        "body": ParagraphStyle("body", parent=base, fontSize=10, leading=13.5, spaceAfter=8),
    }


# --- continuation bookkeeping: which page an item landed on ---


class _Anchor(Flowable):
    """Zero-size marker that records the page it is drawn on."""

    def __init__(self, pages: dict[str, int], key: str) -> None:
        super().__init__()
        self.pages, self.key = pages, key

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.pages[self.key] = self.canv.getPageNumber()


class _PageRef(Flowable):
    """One bold line "Page N, Part P, Item I", with N read when drawn (after the item's page)."""

    def __init__(self, pages: dict[str, int], key: str, part: int, item: str) -> None:
        super().__init__()
        self.pages, self.key, self.part, self.item = pages, key, part, item

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return avail_width, 13

    def draw(self) -> None:
        page = self.pages.get(self.key, "?")
        self.canv.setFont(FONT_BOLD, 9)
        self.canv.drawString(
            0, 3, f"Page Number {page}, Part Number {self.part}, Item Number {self.item}"
        )


@dataclass
class Continuation:
    key: str
    part: int
    item: str
    text: str


def split_text(text: str, limit: int) -> tuple[str, str]:
    """The part of ``text`` printed in place (cut at a word) and the remainder."""
    if not limit or len(text) <= limit:
        return text, ""
    cut = text.rfind(" ", 0, limit)
    if cut < limit // 2:
        cut = limit
    return text[:cut].rstrip(), text[cut:].lstrip()


def _boxes(options: tuple[str, ...], chosen: set[str]) -> str:
    return "&nbsp;&nbsp;&nbsp;".join(
        f"[{'X' if option in chosen else '&nbsp;'}] {escape(option)}" for option in options
    )


@dataclass
class FormContext:
    request: CertificationRequest
    code: str
    all_categories: list[str]


def _value_flowable(
    filled: formmap.FilledItem,
    ctx: FormContext,
    st: dict[str, ParagraphStyle],
    continuations: list[Continuation],
    edition: formmap.Edition,
) -> Any:
    item, value = filled.item, filled.value
    key = f"{item.part}.{item.number}"
    more = CONTINUED.format(part=edition.additional_part)
    if not filled.applies:
        return Paragraph("N/A", st["base"])
    if item.kind == "choice":
        return Paragraph(_boxes(item.options, {value} if value else set()), st["base"])
    if item.kind == "checkboxes":
        chosen = set(value)
        lines = [
            f"[{'X' if name in chosen else '&nbsp;'}] {escape(name)}"
            # An edition that prints its own boxes (I-914B 02/27/17 Part C item 1) lists them.
            for name in (item.options or ctx.all_categories)
        ]
        half = (len(lines) + 1) // 2
        table = Table(
            [
                [
                    Paragraph("<br/>".join(lines[:half]), st["small"]),
                    Paragraph("<br/>".join(lines[half:]), st["small"]),
                ]
            ],
            colWidths=["50%", "50%"],
        )
        table.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
        )
        return table
    if item.kind == "rows":
        rows = value or []
        if not rows:
            return Paragraph("None", st["base"])
        in_place = rows[: edition.rows_in_place]
        text = "<br/>".join(
            f"{n}. Full Name: {escape(r['name'])}; Relationship: {escape(r['relationship'])}; "
            f"Involvement: {escape(r['involvement'])}"
            for n, r in enumerate(in_place, start=2)
        )
        extra = rows[edition.rows_in_place :]
        if extra:
            continuations.append(
                Continuation(
                    key,
                    item.part,
                    item.number,
                    "\n".join(
                        f"Full Name: {r['name']}; Relationship: {r['relationship']}; "
                        f"Involvement: {r['involvement']}"
                        for r in extra
                    ),
                )
            )
            text += f"<br/>{more}"
        return Paragraph(text, st["base"])
    if item.kind == "signature":
        return Paragraph(
            "(signed in ink by the certifying official on the official form)", st["base"]
        )
    if item.at_signing and item.required and not value:
        if item.kind == "date":
            return Paragraph("(written in ink by the certifying official)", st["base"])
        return Paragraph("(filled in at the decision)", st["base"])
    text = str(value or "")
    if not text:
        return Paragraph(escape(item.empty), st["base"])
    if item.limit == 1:  # the whole answer belongs in Part 7
        continuations.append(Continuation(key, item.part, item.number, text))
        return Paragraph(more, st["base"])
    shown, rest = split_text(text, item.limit)
    if rest:
        continuations.append(Continuation(key, item.part, item.number, rest))
        return Paragraph(f"{escape(shown)} … {more}", st["base"])
    return Paragraph(escape(shown), st["base"])


def _page_decorator(ctx: FormContext, edition: formmap.Edition) -> Any:
    request = ctx.request
    site = base_url()

    def on_page(canvas: Canvas, doc: Any) -> None:
        width, height = LETTER
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        status = REVIEW_MARK
        canvas.drawString(
            15 * mm,
            height - 10 * mm,
            f"{edition.form_name} · Edition {edition.code} · {request.agency.name}",
        )
        canvas.drawRightString(
            width - 15 * mm, height - 10 * mm, f"Request {request.reference} · {status}"
        )
        canvas.drawString(
            15 * mm,
            9 * mm,
            f"Verification code {ctx.code} · check at {site}/verify/",
        )
        canvas.drawRightString(width - 15 * mm, 9 * mm, f"Page {doc.page}")
        canvas.setFont(FONT_BOLD, 40)
        canvas.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.22))
        canvas.translate(width / 2, height / 2)
        canvas.rotate(50)
        canvas.drawCentredString(0, 0, REVIEW_MARK)
        canvas.restoreState()

    return on_page


def render_form_pdf(request: CertificationRequest, *, code: str) -> bytes:
    """The request's Supplement B items in our layout: the review copy, never for filing."""

    st = styles()
    edition = formmap.edition_for(request)
    ctx = FormContext(
        request=request,
        code=code,
        all_categories=list(TraffickingForm.labels)  # Form I-914 Supplement B, Part 3 item 1
        if request.form_type == FormType.T_VISA
        else list(
            QualifyingCrimeCategory.objects.order_by("form_order").values_list("name", flat=True)
        ),
    )
    pages: dict[str, int] = {}
    continuations: list[Continuation] = []
    story: list[Any] = [
        Paragraph(escape(edition.title), st["title"]),
        Paragraph(
            f"Edition {escape(edition.code)}. Prepared by {escape(request.agency.name)} "
            f"for request "
            f"{escape(request.reference)}. "
            + REVIEW_MARK
            + ". The form to file is the official USCIS form, signed and dated in ink.",
            st["small"],
        ),
        Spacer(1, 4),
    ]
    widths = [21 * mm, 66 * mm, None]
    for part, items in formmap.fill(request):
        story.append(Paragraph(f"Part {part.name}. {escape(part.title)}", st["part"]))
        if part.number == 6:
            story.append(Paragraph(escape(edition.statement), st["base"]))
            story.append(Spacer(1, 4))
        for filled in items:
            key = f"{filled.item.part}.{filled.item.number}"
            value = _value_flowable(filled, ctx, st, continuations, edition)
            row = Table(
                [
                    [
                        Paragraph(f"Item {escape(filled.item.number)}.", st["bold"]),
                        Paragraph(escape(filled.item.label), st["label"]),
                        value,
                    ]
                ],
                colWidths=widths,
            )
            row.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
                        ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ]
                )
            )
            story.append(KeepTogether([_Anchor(pages, key), row]))

    story.append(Paragraph(f"Part {edition.additional_part}. Additional Information", st["part"]))
    story.append(
        Paragraph(
            f"A-Number: {escape(request.a_number or 'None')}. "
            f"Victim: {escape(request.family_name)}, "
            f"{escape(' '.join(p for p in [request.given_name, request.middle_name] if p))}. "
            f"Certifying agency: {escape(request.agency.name)}.",
            st["base"],
        )
    )
    story.append(Spacer(1, 4))
    if not continuations:
        story.append(Paragraph("None", st["base"]))
    for cont in continuations:
        story.append(_PageRef(pages, cont.key, cont.part, cont.item))
        story.append(Paragraph(escape(cont.text), st["base"]))
        story.append(Spacer(1, 6))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{formmap.edition_for(request).form_name} review copy, {request.reference}",
        author=request.agency.name,
        subject=f"Verification code {code}",
        keywords=f"uvisa-verification-code:{code}",
        creator="U-visa certification tracker",
    )
    decorate = _page_decorator(ctx, edition)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
