"""USCIS's own Form I-918 Supplement B, filled with a hard case and rendered: the layout on paper.

The filled file is rendered with poppler. The printed rules are found in the rendering of the
blank page (pixels, not the code's reading of the content stream), the words with their boxes by
``pdftotext -bbox-layout``. Checked: every word stands on a rule and no rule crosses one, every
value lies inside its box, one-line values print whole, a continued item ends with its marker
inside the box, the last Part 7 block names the sheets attached, and each sheet carries the
form's header, "Page x of y" and empty ink lines for signature and date.
"""

from __future__ import annotations

import dataclasses
import html
import io
import re
import shutil
import subprocess
from functools import cache

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from cases.uscis import acroform, appearance
from cases.uscis.acroform import fill
from cases.uscis.i918b_fields import P1, P3, P4, PART7_BLOCKS, field_refs
from cases.uscis.page_rules import form_name, page_rules, rules_in
from cases.uscis.pdf_fields import Continuation
from tests.documents import uscis_file
from tests.documents.uscis_file import i918b_01_20_25_names

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="needs poppler-utils",
)

DPI = 144
SCALE = DPI / 72
PAGE_H = 792.0
MARKER = "(continued in Part 7)"
FORM_PAGES = 5

VICTIM = "Thị Phương Thảo Nguyễn"
AGENCY = "Medford Police Department"
TITLE = "Chief of Police, Office of the Chief"  # 36 characters in a box of /MaxLen 34
STORY = (
    "On March 3, 2025 the victim, Nguyễn Thị Phương Thảo, reported that her employer had "
    "threatened to call immigration unless she kept working without pay; she gave a recorded "
    "statement, identified the suspect in a photo line-up, turned over text messages and pay "
    "records, and testified before the grand jury in Orange County on May 12, 2025. She later "
    "helped detectives find two other workers, Jean-Baptiste Désir and Wòch Pierre, who were "
    "held at the same farm in Jackson County. "
)
VALUES: dict[str, str | bool] = {
    P1 + "Part1_Line1_AlienNumber[0]": "123456789",
    P1 + "Pt1Line2a_FamilyName[0]": "Nguyễn",
    P1 + "Pt1Line2a_GivenName[0]": "Thị Phương Thảo",
    P1 + "Pt1Line2a_MiddleName[0]": "N/A",
    P1 + "Pt1Line3a_FamilyName[0]": "Désir",
    P1 + "Pt1Line3a_GivenName[0]": "Jean-Baptiste",
    P1 + "Pt1Line3a_MiddleName[0]": "Wòch",
    P1 + "P1_Line4_DateOfBirth[0]": "02/29/1988",
    P1 + "Pt2Line1_CertifyingAgency[0]": AGENCY,
    P1 + "Pt2Line2c_FamilyName[0]": "Delaney-Beauchamp",
    P1 + "Pt2Line2c_GivenName[0]": "Frank",
    P1 + "Pt2Line3_TitleandDivisionOffice[0]": TITLE,
    P1 + "CityTown[0]": "Medford",
    P1 + "Part2_Line9_CaseNumber[0]": "MPD-2025-0001234-A, MPD-2025-0001299-B, CR 25-04411",
    P3 + "Part3_Line2a_Date[0]": "03/03/2025",
    P3 + "Part3_Line2b_Date[0]": "03/04/2025",
    P3 + "Part3_Line2c_Date[0]": "05/12/2025",
    P3 + "Part3_Line2d_Date[0]": "06/30/2025",
    P3 + "Part3_Line3_Citations[0]": "ORS 163.263 (subjecting another person to involuntary "
    "servitude in the second degree); ORS 163.266 (trafficking in persons)",
    P3 + "Part3_Line4b_Explanation[0]": "In Jackson County, Oregon, at a farm on Wòch Road "
    "east of Medford, and on the way to Siskiyou County, California.",
    P3 + "Part3_Line6_Explanation[0]": STORY * 2,
    P3 + "Part3_Line7_Explanation[0]": "Bruises to both arms and a fractured wrist (treated at "
    "Rogue Regional Medical Center), and ongoing anxiety and sleeplessness documented by her "
    "counselor at the Jackson County victim services office. " * 2,
    P4 + "Part4_Line3_Other[0]": STORY * 3,
    P4 + "Part4_Line5_Other[0]": STORY * 16,
}
RULED = [
    P3 + "Part3_Line3_Citations[0]",
    P3 + "Part3_Line4b_Explanation[0]",
    P3 + "Part3_Line6_Explanation[0]",
    P3 + "Part3_Line7_Explanation[0]",
    P4 + "Part4_Line3_Other[0]",
    P4 + "Part4_Line5_Other[0]",
] + [block[3] for block in PART7_BLOCKS]


@dataclasses.dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float  # from the top of the page, as pdftotext gives them
    x1: float
    y1: float


@cache
def template() -> bytes:
    return i918b_01_20_25_names()


@cache
def filled() -> bytes:
    cont = Continuation(
        a_number="123456789",
        victim_name=VICTIM,
        agency=AGENCY,
        blocks=PART7_BLOCKS,
        refs=field_refs(),
    )
    return fill(template(), VALUES, continuation=cont)


@cache
def inventory() -> dict[str, acroform.Field]:
    return {f.name: f for f in acroform.read_inventory(template())}


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def words(pdf: bytes, page: int) -> list[Word]:
    """Words of a 1-based page with their boxes, in reading order."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [
        Word(html.unescape(t), float(a), float(b), float(c), float(d))
        for a, b, c, d, t in re.findall(pattern, out)
    ]


def text_of(pdf: bytes, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


def gray(pdf: bytes, page: int) -> tuple[int, int, bytes]:
    """(width, height, 8-bit gray pixels) of a 1-based page rendered at ``DPI``."""
    data = subprocess.run(
        ["pdftoppm", "-gray", "-r", str(DPI), "-f", str(page), "-l", str(page), "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    assert match, data[:20]
    width, height = int(match.group(1)), int(match.group(2))
    return width, height, data[match.end() :]


def drawn_rules(pdf: bytes, page: int, rect: tuple[float, float, float, float]) -> list[float]:
    """Heights (page space, from the bottom) of the dark rows that cross ``rect`` from side to
    side in the rendering: the printed rules, found without reading the content stream."""
    width, _height, pixels = gray(pdf, page)
    x0, y0, x1, y1 = rect
    left, right = int(x0 * SCALE) + 4, int(x1 * SCALE) - 4
    rows = []
    for row in range(int((PAGE_H - y1) * SCALE), int((PAGE_H - y0) * SCALE) + 3):
        line = pixels[row * width + left : row * width + right]
        if sum(1 for p in line if p < 160) >= 0.9 * len(line):
            rows.append(row)
    heights: list[float] = []
    for row in rows:  # a rule a few pixels thick is one rule
        y = PAGE_H - (row + 0.5) / SCALE
        if heights and heights[-1] - y < 2:
            continue
        heights.append(y)
    return heights


def inside(word: Word, rect: tuple[float, float, float, float], slack: float = 0.5) -> bool:
    x0, y0, x1, y1 = rect
    top, bottom = PAGE_H - y1, PAGE_H - y0
    return (
        word.x0 >= x0 - slack
        and word.x1 <= x1 + slack
        and word.y0 >= top - slack
        and word.y1 <= bottom + slack
    )


def words_in(pdf: bytes, name: str) -> list[Word]:
    """The words printed in a field's box, line by line from the top."""
    f = inventory()[name]
    found = [w for w in words(pdf, f.page + 1) if inside(w, f.rect, slack=0) or _centre_in(w, f)]
    return sorted(found, key=lambda w: (round(w.y1), w.x0))


def _centre_in(word: Word, f: acroform.Field) -> bool:
    x0, y0, x1, y1 = f.rect
    cx, cy = (word.x0 + word.x1) / 2, PAGE_H - (word.y0 + word.y1) / 2
    return x0 <= cx <= x1 and y0 <= cy <= y1


def squash(text: str) -> str:
    return "".join(text.split())


def values_written() -> dict[str, str]:
    fields = PdfReader(io.BytesIO(filled())).get_fields() or {}
    return {n: str(f.get("/V")) for n, f in fields.items() if f.get("/V") and f.get("/FT") == "/Tx"}


# --- the rules ---


def test_the_rules_read_from_the_page_are_those_drawn():
    """The code's reading of the content stream agrees with the rendered blank page."""
    reader = PdfReader(io.BytesIO(template()))
    for name in RULED:
        f = inventory()[name]
        found = rules_in(page_rules(reader.pages[f.page]), f.rect)
        drawn = [y - f.rect[1] for y in drawn_rules(template(), f.page + 1, f.rect)]
        drawn = [h for h in drawn if h < f.rect[3] - f.rect[1] - 1]  # not the top edge
        assert len(found) == len(drawn) >= 2, (name, found, drawn)
        for a, b in zip(found, drawn, strict=True):
            assert abs(a - b) < 1.0, (name, found, drawn)


def test_multi_line_text_stands_on_the_printed_rules():
    """Each word sits just above a rule, and no rule runs through a word."""
    out = filled()
    checked = 0
    for name in RULED:
        f = inventory()[name]
        rules = [PAGE_H - y for y in drawn_rules(template(), f.page + 1, f.rect)]
        boxed = words_in(out, name)
        assert boxed, f"nothing printed in {name}"
        for w in boxed:
            crossing = [r for r in rules if w.y0 + 0.3 < r < w.y1 - 0.3]
            assert not crossing, f"{name}: a rule at {crossing} runs through {w}"
            under = [r - w.y1 for r in rules if r >= w.y1 - 0.3]
            assert under and min(under) <= 4.0, f"{name}: {w} does not stand on a rule"
            checked += 1
    assert checked > 400


def test_lines_are_as_far_apart_as_the_rules():
    out = filled()
    f = inventory()[P3 + "Part3_Line6_Explanation[0]"]
    tops = sorted({round(w.y1, 1) for w in words_in(out, f.name)})
    gaps = {round(b - a) for a, b in zip(tops, tops[1:], strict=False)}
    assert gaps == {18}, tops
    assert len(tops) == len(drawn_rules(template(), f.page + 1, f.rect))


# --- what is printed, and where ---


def test_every_value_lies_inside_its_box():
    """Every word the filling added to the form's pages is inside the box of a filled field."""
    out, blank = filled(), template()
    written = values_written()
    for page in range(1, FORM_PAGES + 1):
        before = {(w.text, round(w.x0), round(w.y0)) for w in words(blank, page)}
        boxes = [
            w.rect
            for f in inventory().values()
            if f.name in written
            for w in f.widgets
            if w.page + 1 == page
        ]
        added = [w for w in words(out, page) if (w.text, round(w.x0), round(w.y0)) not in before]
        assert added or page == 4
        for w in added:
            assert any(inside(w, rect) for rect in boxes), f"page {page}: {w} outside every box"


def test_each_box_shows_what_its_field_holds():
    """What is printed in each box, read back from the rendering, is the field's value."""
    out = filled()
    written = values_written()
    for name, value in written.items():
        f = inventory()[name]
        if len(f.widgets) > 1 or f.comb:
            continue
        shown = "".join(w.text for w in words_in(out, name))
        assert squash(shown) == squash(value), name


def test_one_line_values_print_whole():
    written = values_written()
    for name, value in VALUES.items():
        f = inventory()[name]
        if f.multiline or not isinstance(value, str):
            continue
        assert written[name] == value, name
    title = "".join(w.text for w in words_in(filled(), P1 + "Pt2Line3_TitleandDivisionOffice[0]"))
    assert squash(title) == squash(TITLE)


def test_a_continued_item_ends_with_its_marker_inside_the_box():
    out = filled()
    written = values_written()
    continued = [n for n in RULED[:6] if written[n] != VALUES[n]]
    assert P3 + "Part3_Line6_Explanation[0]" in continued
    assert P4 + "Part4_Line5_Other[0]" in continued
    for name in continued:
        assert written[name].endswith(" " + MARKER), name
        shown = " ".join(w.text for w in words_in(out, name))
        assert shown.endswith(MARKER), (name, shown[-60:])
        kept = written[name].removesuffix(" " + MARKER)
        assert squash(VALUES[name]).startswith(squash(kept)), name  # cut, nothing lost


def test_part7_says_how_many_sheets_are_attached():
    out = filled()
    sheets = page_count(out) - FORM_PAGES
    assert sheets >= 2
    last = PART7_BLOCKS[-1][3]
    marker = f"(continued on {sheets} attached sheets)"
    assert values_written()[last].endswith(marker)
    assert " ".join(w.text for w in words_in(out, last)).endswith(marker)


# --- the attached sheets ---


def test_each_sheet_carries_the_header_page_number_and_ink_lines():
    out = filled()
    total = page_count(out) - FORM_PAGES
    for number in range(1, total + 1):
        page = FORM_PAGES + number
        text = " ".join(text_of(out, page).split())
        for expected in (
            "Form I-918 Supplement B, Edition 02/07/17",
            "Part 7. Additional Information",
            "A-Number: 123456789",
            f"Victim: {VICTIM}",
            f"Certifying agency: {AGENCY}",
            f"Page {number} of {total}",
            "Signature of Certifying Official",
            "Date of Signature (mm/dd/yyyy)",
        ):
            assert expected in text, (page, expected)
        # the body starts by naming the item it continues, also on a sheet that carries it over
        body = text.split(f"Certifying agency: {AGENCY}", 1)[1]
        assert re.match(r" Page \d, Part \d, Item [\w.]+ \(continued\)", body), body[:80]
        # the ink lines: long dark rows just above the two labels, with nothing written on them
        labels = [w for w in words(out, page) if w.text in ("Signature", "Date")]
        label_top = min(w.y0 for w in labels)
        ink = drawn_rules(out, page, (54.0, PAGE_H - label_top, 300.0, PAGE_H - label_top + 14))
        assert ink, f"sheet {number}: no signature line"
        ink_date = drawn_rules(
            out, page, (460.0, PAGE_H - label_top, 550.0, PAGE_H - label_top + 14)
        )
        assert ink_date, f"sheet {number}: no date line"
        above = [w for w in words(out, page) if label_top - 24 < w.y1 <= label_top]
        assert not above, f"sheet {number}: something written on the ink lines: {above}"


def test_a_box_without_rules_keeps_its_own_line_spacing():
    """The fallback: the same item in a box with no printed rules is laid out as before."""
    f = inventory()[P3 + "Part3_Line6_Explanation[0]"]
    appearance.register_fonts()
    bare = dataclasses.replace(f, rules=())
    ruled = dataclasses.replace(f, rules=(198.0, 180.0, 162.0, 144.0, 126.0, 108.0, 90.0))
    text = STORY * 2
    plain = appearance._layout(bare, text, f.rect)
    on_rules = appearance._layout(ruled, text, f.rect)
    pitch = [round(a - b, 2) for a, b in zip(plain.baselines, plain.baselines[1:], strict=False)]
    assert set(pitch) == {round(plain.size * appearance.LINE_FACTOR, 2)}
    assert [round(b - a, 2) for a, b in zip(ruled.rules, on_rules.baselines, strict=False)] == [
        round(on_rules.baselines[0] - 198.0, 2)
    ] * len(on_rules.baselines)
    assert len(on_rules.lines) == 7


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (uscis_file.I918B_02_07_17, "Form I-918 Supplement B, Edition 02/07/17"),
        (uscis_file.I914B_02_27_17, "Form I-914 Supplement B, Edition 02/27/17"),
    ],
)
def test_the_sheets_name_the_form_and_edition_printed_on_the_file(path, expected):
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    reader.decrypt("")
    assert form_name(reader.pages[0]) == expected


def test_a_one_line_value_too_long_even_at_the_smallest_size_shows_its_marker():
    name = P1 + "Part2_Line9_CaseNumber[0]"
    numbers = ", ".join(f"MPD-2025-{n:07d}" for n in range(1, 12))
    cont = Continuation("123456789", VICTIM, AGENCY, PART7_BLOCKS, field_refs())
    out = fill(template(), {name: numbers}, continuation=cont)
    fields = PdfReader(io.BytesIO(out)).get_fields() or {}
    head = str(fields[name]["/V"])
    assert head.endswith(" " + MARKER)
    f = inventory()[name]
    # shrunk before it was cut: at the box's own size (/DA) this much would not fit
    at_da_size = pdfmetrics.stringWidth(head, appearance.FONT, f.font_size or 10)
    assert at_da_size > f.rect[2] - f.rect[0]
    shown = sorted(words_in(out, name), key=lambda w: w.x0)
    assert " ".join(w.text for w in shown).endswith(MARKER)
    assert all(inside(w, inventory()[name].rect) for w in shown)
    rest = str(fields[PART7_BLOCKS[0][3]]["/V"])
    assert squash(head.removesuffix(MARKER) + rest) == squash(numbers)
