"""A synthetic stand-in for the official Form I-918 Supplement B PDF, for tests and demos.

USCIS's file cannot be redistributed, so this builds a 5-page PDF with exactly the field names,
types and tooltips of an edition's inventory (the CSV in cases/data), every page printed
"TEST TEMPLATE - NOT THE USCIS FORM". It mimics what matters for filling:

- the LiveCycle field tree: ``form1[0]`` > ``#subform[n]`` / ``pg4[0]`` > terminal fields, so the
  fully qualified names read back by pypdf are the inventory's names;
- checkbox on-states that are not /Yes (/Y, /N, /F, /M, /1, /On, ...), read from /AP /N;
- tooltips naming each box (Part 3 item 1's from ``category_tooltips``, in the order given);
- an /XFA entry, which filling must remove; /MaxLen, comb and multiline flags; a dropdown.

Only stdlib, pypdf and reportlab: the library stays free of Django.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from cases.reference_data import DATA as REFERENCE_DATA
from cases.uscis.acroform import ExpectedField, load_inventory_csv, read_inventory
from cases.uscis.appearance import FONT, FONT_BOLD, register_fonts

MARK = "TEST TEMPLATE - NOT THE USCIS FORM"
CATEGORY_BOXES = "Part3_Line1_checkboxes"
PAGE_W, PAGE_H = LETTER
LEFT, RIGHT, TOP, BOTTOM = 36.0, PAGE_W - 36.0, PAGE_H - 86.0, 48.0
BOX = 11.0

_WIDE = ("CertifyingAgency", "TitleandDivision", "StreetNumberName", "_Other[0]", "Citations")
_MULTILINE_HEIGHT = {
    "Part3_Line3_Citations": 40.0,
    "Part3_Line4b_Explanation": 30.0,
    "Part3_Line5b_Explanation": 30.0,
    "Part3_Line6_Explanation": 100.0,
    "Part3_Line7_Explanation": 64.0,
    "Part4_Line3_Other": 60.0,
    "Part4_Line5_Other": 150.0,
    "AdditionalInfo": 90.0,
    # Form I-914 Supplement B (synthetic_i914b.py)
    "Pt3Line3_Citations": 40.0,
    "Pt3Line4_Description": 110.0,
    "Pt3Line5_Injury": 50.0,
    "Pt4Line2_Explanation": 140.0,
}
_AUTO_SIZE = ("Part4_Line3_Other", "Part5_Line2_Involvement")  # /DA with 0 Tf
_STATES = "AL AK AS AZ AR CA CO CT DE DC FM FL GA GU HI ID IL IN IA KS KY LA ME MH MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND MP OH OK OR PW PA PR RI SC SD TN TX UT VT VI VA WA WV WI WY"  # noqa: E501


@dataclass
class _Spec:
    row: ExpectedField
    short: str  # the last part of the name, e.g. Pt1Line2a_FamilyName[0]
    subform: str
    index: int  # the [n] of the short name
    width: float
    height: float
    tooltip: str
    on_state: str = ""
    multiline: bool = False
    max_length: int | None = None
    comb: bool = False
    font_size: float = 10.0
    rect: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    label: str = ""


def _box_labels(row: ExpectedField) -> list[str]:
    """The labels of a choice item's boxes, derived from the inventory's meaning column."""
    meaning = row.meaning
    if "yes/no" in meaning:
        return ["Yes", "No"]
    if "Apt./Ste./Flr." in meaning:
        return ["Apt.", "Ste.", "Flr."]
    if "sex" in meaning:  # one source reports [0] = Female
        return ["Female", "Male"]
    listed = re.search(r"\(\d+ boxes: ([^;)]+)", meaning)
    if listed:
        return [w.strip().title().replace("-G", "-g") for w in listed.group(1).split(",")]
    return []


def _on_state(short: str, index: int, label: str) -> str:
    """Deliberately varied on-states, as in real forms: never assume /Yes."""
    if short.startswith(CATEGORY_BOXES):
        return "/On" if index % 5 == 4 else f"/{index + 1}"
    if label in ("Yes", "No"):
        return f"/{label[0]}"
    if label in ("Female", "Male"):
        return f"/{label[0]}"
    if label.startswith(("Apt", "Ste", "Flr")):
        return "/" + label[:3].upper()
    if short.startswith("Part2_Line6"):
        return f"/{index + 1}"
    if short.startswith("Part2_Line7"):
        return "/On"
    return "/" + re.sub(r"[^A-Z]", "", label.upper())[:6]


def _specs(
    rows: Sequence[ExpectedField], category_tooltips: Sequence[str], tooltips: Mapping[str, str]
) -> list[_Spec]:
    specs = []
    for row in rows:
        parts = row.name.split(".")
        short, subform = parts[-1], parts[1]
        index = int(re.search(r"\[(\d+)\]$", short).group(1))  # type: ignore[union-attr]
        stem = short.rsplit("[", 1)[0]
        item = f"Part {row.part}. Item Number {row.item}."
        if row.type == "checkbox":
            if stem == CATEGORY_BOXES:
                label = category_tooltips[index]
                width = (RIGHT - LEFT) / 4
            else:
                label = _box_labels(row)[index]
                width = 90.0
            # A choice box asks its item's question, then names itself, as USCIS's do.
            question = row.meaning.split(" (", 1)[0].rstrip("?")
            asked = f"{item} {question}. Select {label}."
            tip = f"{item} {label}." if stem == CATEGORY_BOXES else tooltips.get(row.name)
            spec = _Spec(row, short, subform, index, width, BOX, tip or asked)
            spec.label = label
            spec.on_state = _on_state(short, index, label)
            specs.append(spec)
            continue
        height_key = next((k for k in _MULTILINE_HEIGHT if k in short), None)
        spec = _Spec(row, short, subform, index, 170.0, 16.0, tooltips.get(row.name) or row.meaning)
        if height_key:
            spec.multiline, spec.height, spec.width = True, _MULTILINE_HEIGHT[height_key], 540.0
            spec.font_size = 9.0
        elif any(w in short for w in _WIDE):
            spec.width = 350.0
        elif any(w in short for w in ("PageNumber", "PartNumber", "ItemNumber")):
            spec.width = 60.0
        if "AlienNumber" in short:
            spec.max_length, spec.comb = 9, index == 0
        if "_Date" in short or "DateOf" in short:
            spec.max_length, spec.width = 10, 135.0
        if any(a in short for a in _AUTO_SIZE):
            spec.font_size = 0.0
        spec.label = f"{row.part}.{row.item} {row.meaning}"[:60]
        specs.append(spec)
    return specs


def _layout(specs: list[_Spec]) -> dict[str, list[_Spec]]:
    """Flows each subform's fields onto its page, left to right, top to bottom."""
    pages: dict[str, list[_Spec]] = {}
    for spec in specs:
        pages.setdefault(spec.subform, []).append(spec)
    for subform, group in pages.items():
        x, y, row_h, part, kind = LEFT, TOP, 0.0, "", ""
        for spec in group:
            gap = 6.0 if spec.row.type == "checkbox" else 16.0  # text labels sit above the box
            new_part = spec.row.part != part
            boxes = spec.row.type == "checkbox"
            if new_part or x + spec.width > RIGHT + 0.1 or boxes != (kind == "checkbox"):
                y -= row_h + (18.0 if new_part else 0.0)
                x, row_h = LEFT, 0.0
                part = spec.row.part
            row_h = max(row_h, spec.height + gap)
            top = y - gap
            spec.rect = (x, top - spec.height, x + spec.width - 8.0, top)
            if spec.row.type == "checkbox":
                spec.rect = (x, top - BOX, x + BOX, top)
            x += spec.width
            kind = spec.row.type
            if top - spec.height < BOTTOM:
                raise ValueError(f"synthetic layout overflows the page of {subform}")
    return pages


def _draw_pages(pages: dict[str, list[_Spec]], form_name: str) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, invariant=1)
    canvas.setTitle(f"{form_name} - {MARK}")
    for number, group in enumerate(pages.values(), start=1):
        canvas.setFillColorRGB(0.75, 0.0, 0.0)
        canvas.setFont(FONT_BOLD, 14)
        canvas.drawCentredString(PAGE_W / 2, PAGE_H - 36, MARK)
        canvas.setFillGray(0)
        canvas.setFont(FONT_BOLD, 10)
        canvas.drawString(LEFT, PAGE_H - 56, f"{form_name} (synthetic field layout)")
        canvas.setFont(FONT, 7)
        canvas.drawString(LEFT, 24, f"{form_name} Edition 01/20/25 - {MARK}")
        canvas.drawRightString(RIGHT, 24, f"Page {number} of {len(pages)}")
        part = ""
        for spec in group:
            x0, y0, x1, y1 = spec.rect
            if spec.row.part != part:
                part = spec.row.part
                canvas.setFont(FONT_BOLD, 9)
                canvas.drawString(
                    LEFT, y1 + (12 if spec.row.type == "checkbox" else 22), f"Part {part}."
                )
            canvas.setFont(FONT, 6)
            if spec.row.type == "checkbox":
                canvas.drawString(x1 + 3, y0 + 2, spec.label[:30])
            else:
                canvas.drawString(x0, y1 + 3, spec.label)
            canvas.setLineWidth(0.6)
            canvas.rect(x0 - 0.8, y0 - 0.8, x1 - x0 + 1.6, y1 - y0 + 1.6, stroke=1, fill=0)
        canvas.setFillColorRGB(0.9, 0.6, 0.6)
        canvas.setFont(FONT_BOLD, 30)
        canvas.saveState()
        canvas.translate(PAGE_W / 2, PAGE_H / 2)
        canvas.rotate(35)
        canvas.setFillAlpha(0.25)
        canvas.drawCentredString(0, 0, MARK)
        canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _stream(writer: PdfWriter, content: bytes, w: float, h: float) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(content)
    stream[NameObject("/Type")] = NameObject("/XObject")
    stream[NameObject("/Subtype")] = NameObject("/Form")
    stream[NameObject("/BBox")] = ArrayObject(
        [NumberObject(0), NumberObject(0), FloatObject(w), FloatObject(h)]
    )
    stream[NameObject("/Resources")] = DictionaryObject()
    return writer._add_object(stream)


def _rect(values: Sequence[float]) -> ArrayObject:
    return ArrayObject(FloatObject(round(v, 2)) for v in values)


def _widget(
    writer: PdfWriter, spec: _Spec, page: IndirectObject, parent: IndirectObject
) -> IndirectObject:
    obj = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/F"): NumberObject(4),
            NameObject("/Rect"): _rect(spec.rect),
            NameObject("/P"): page,
            NameObject("/Parent"): parent,
            NameObject("/T"): TextStringObject(spec.short),
            NameObject("/TU"): TextStringObject(spec.tooltip),
            NameObject("/MK"): DictionaryObject(
                {
                    NameObject("/BG"): ArrayObject(
                        [FloatObject(0.89), FloatObject(0.93), FloatObject(1)]
                    )
                }
            ),
        }
    )
    if spec.row.type == "checkbox":
        obj[NameObject("/FT")] = NameObject("/Btn")
        obj[NameObject("/Ff")] = NumberObject(0)
        obj[NameObject("/DA")] = TextStringObject("/ZaDb 0 Tf 0 g")
        frame = b"0.89 0.93 1 rg 0 0 %.2f %.2f re f 0 G 0.8 w 0.4 0.4 %.2f %.2f re S\n" % (
            BOX,
            BOX,
            BOX - 0.8,
            BOX - 0.8,
        )
        cross = b"1.4 w 2.5 2.5 m 8.5 8.5 l S 2.5 8.5 m 8.5 2.5 l S\n"
        normal = DictionaryObject(
            {
                NameObject(spec.on_state): _stream(writer, frame + cross, BOX, BOX),
                NameObject("/Off"): _stream(writer, frame, BOX, BOX),
            }
        )
        obj[NameObject("/AP")] = DictionaryObject({NameObject("/N"): normal})
        obj[NameObject("/AS")] = NameObject("/Off")
        obj[NameObject("/V")] = NameObject("/Off")
        return writer._add_object(obj)
    obj[NameObject("/DA")] = TextStringObject(f"/Helv {spec.font_size:g} Tf 0 g")
    if spec.row.type == "dropdown":
        obj[NameObject("/FT")] = NameObject("/Ch")
        obj[NameObject("/Ff")] = NumberObject(1 << 17)
        obj[NameObject("/Opt")] = ArrayObject(TextStringObject(s) for s in _STATES.split())
        return writer._add_object(obj)
    obj[NameObject("/FT")] = NameObject("/Tx")
    flags = (1 << 12 if spec.multiline else 0) | (1 << 24 if spec.comb else 0)
    obj[NameObject("/Ff")] = NumberObject(flags)
    if spec.max_length:
        obj[NameObject("/MaxLen")] = NumberObject(spec.max_length)
    return writer._add_object(obj)


_XFA = b"""<?xml version="1.0" encoding="UTF-8"?>
<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template xmlns="http://www.xfa.org/schema/xfa-template/3.3/">
<subform name="form1"><!-- synthetic: filling must remove this XFA --></subform>
</template></xdp:xdp>
"""


def build(
    rows: Sequence[ExpectedField],
    *,
    category_tooltips: Sequence[str],
    form_name: str = "Form I-918 Supplement B",
    tooltips: Mapping[str, str] | None = None,
) -> bytes:
    """The synthetic template for ``rows`` (an edition's inventory), as PDF bytes.

    ``tooltips`` ({field name: tooltip}, e.g. USCIS's own) replace the made-up ones, except
    Part 3 item 1's, which are ``category_tooltips``."""
    boxes = [r for r in rows if CATEGORY_BOXES in r.name]
    if len(category_tooltips) != len(boxes):
        raise ValueError(f"{len(boxes)} category boxes but {len(category_tooltips)} tooltips")
    pages = _layout(_specs(rows, category_tooltips, tooltips or {}))
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_draw_pages(pages, form_name))).pages:
        writer.add_page(page)
    helv = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    root_name = rows[0].name.split(".")[0]
    form1 = DictionaryObject({NameObject("/T"): TextStringObject(root_name)})
    form1_ref = writer._add_object(form1)
    subforms = ArrayObject()
    for page_index, (subform, group) in enumerate(pages.items()):
        page = writer.pages[page_index]
        sub = DictionaryObject(
            {NameObject("/T"): TextStringObject(subform), NameObject("/Parent"): form1_ref}
        )
        sub_ref = writer._add_object(sub)
        kids = ArrayObject(_widget(writer, s, page.indirect_reference, sub_ref) for s in group)
        sub[NameObject("/Kids")] = kids
        page[NameObject("/Annots")] = ArrayObject(kids)
        subforms.append(sub_ref)
    form1[NameObject("/Kids")] = subforms
    xfa = DecodedStreamObject()
    xfa.set_data(_XFA)
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject([form1_ref]),
            NameObject("/DA"): TextStringObject("/Helv 0 Tf 0 g"),
            NameObject("/DR"): DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject("/Helv"): helv})}
            ),
            NameObject("/XFA"): ArrayObject([TextStringObject("xdp:xdp"), writer._add_object(xfa)]),
        }
    )
    writer.add_metadata({"/Title": f"{form_name} - {MARK}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the template from the edition's field list, and the command line ---

# The field lists of the editions (cases/uscis/data).
DATA_DIR = Path(__file__).resolve().parent / "data"
# The tooltips of USCIS's own file, where the field list records them: the loading check reads
# every item's meaning from the tooltips (i918b_fields.TOOLTIPS), so the stand-in carries them.
TOOLTIP_COLUMN = "tooltip_02_07_17"


def synthetic_template(
    fields_csv: str | Path,
    *,
    category_tooltips: Sequence[str],
    form_name: str = "Form I-918 Supplement B",
) -> bytes:
    """A test PDF with the edition's exact field names, types and tooltips (see synthetic.py)."""
    rows = load_inventory_csv(fields_csv)
    with open(fields_csv, newline="", encoding="utf-8") as handle:
        tooltips = {r["field_name"]: r.get(TOOLTIP_COLUMN) or "" for r in csv.DictReader(handle)}
    return build(rows, category_tooltips=category_tooltips, form_name=form_name, tooltips=tooltips)


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2 or argv[0] != "synthetic":
        print("usage: python -m cases.uscis.synthetic synthetic OUT.pdf", file=sys.stderr)
        return 2
    with open(
        REFERENCE_DATA / "qualifying_crime_categories.csv", newline="", encoding="utf-8"
    ) as f:
        names = [row["name"] for row in csv.DictReader(f)]
    pdf = synthetic_template(DATA_DIR / "i918b-01-20-25-fields.csv", category_tooltips=names)
    Path(argv[1]).write_bytes(pdf)
    print(f"{argv[1]}: {len(pdf)} bytes, {len(read_inventory(pdf))} fields")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
