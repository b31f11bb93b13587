"""Fill an AcroForm PDF (such as the official Form I-918 Supplement B) by field name.

A pure library: stdlib, pypdf and reportlab only, nothing from Django or the rest of ``cases``.

- ``read_inventory`` lists the terminal fields of a PDF with what filling needs: full name, type,
  tooltip (/TU), the on-states of every checkbox or radio widget read from its /AP /N dictionary
  (never an assumed /Yes), page, rectangle, /MaxLen, multiline flag and /DA font size.
- ``load_inventory_csv`` and ``compare`` check a file against an edition's field list.
- ``match_by_tooltip`` pairs boxes with labels by their tooltips, never by index order.
- ``fill`` writes values, removes XFA (so every viewer shows the AcroForm values), writes an
  appearance stream for every filled widget, and continues text that does not fit in the
  Additional Information blocks and then on appended continuation sheets.

Appearance streams use DejaVu Sans (embedded subset), which covers Vietnamese, Haitian Creole and
Spanish letters; /NeedAppearances is set to false so that viewers draw these streams instead of
regenerating them with the field's /DA font, which in USCIS files lacks most Vietnamese letters.
A viewer still uses the /DA font while a field is being edited on screen.

Form I-918 Supplement B instructions: the certifying official signs Part 6 in ink, so the
signature (item 1) and its date (item 2) are never filled here (``INK_ONLY_FIELDS``).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.pdfgen.canvas import Canvas

from cases.lib import pdf_clean
from cases.uscis.appearance import (
    clean,
    continuation_sheets,
    draw,
    register_fonts,
    split_to_fit,
)
from cases.uscis.page_rules import form_name, page_rules, rules_in
from cases.uscis.pdf_fields import Continuation, ContinuationEntry, Field, Widget

# Part 6 item 1 (signature) and item 2 (date of signature) of Form I-918 Supplement B, 01/20/25:
# written by hand when the certifying official signs in ink.
INK_ONLY_FIELDS = frozenset(
    {
        "form1[0].pg4[0].Pt1Line13_ApplicantSignature[0]",
        "form1[0].pg4[0].Part6_Line2_Date[0]",
    }
)

CONTINUED_HERE = "(continued in Part {part})"


def continued_on_sheets(count: int) -> str:
    """The marker ending the last Additional Information block when sheets are attached."""
    return f"(continued on {count} attached sheet{'' if count == 1 else 's'})"


_FF_MULTILINE = 1 << 12
_FF_RADIO = 1 << 15
_FF_PUSHBUTTON = 1 << 16
_FF_COMBO = 1 << 17
_FF_COMB = 1 << 24


class FormError(ValueError):
    """A template or a fill request that cannot be honoured; the message names the fields."""


class InkOnlyFieldError(FormError):
    pass


class TooltipMatchError(FormError):
    def __init__(self, message: str, fields: Sequence[str], labels: Sequence[str]) -> None:
        super().__init__(message)
        self.unmatched_fields = list(fields)
        self.unmatched_labels = list(labels)


@dataclass(frozen=True)
class ExpectedField:
    name: str
    type: str
    part: str
    item: str
    meaning: str


@dataclass(frozen=True)
class InventoryDiff:
    """``missing, unexpected = compare(...)`` unpacks; type mismatches are an attribute."""

    missing: list[str]
    unexpected: list[str]
    type_mismatches: list[tuple[str, str, str]]  # (name, expected type, found type)

    def __iter__(self) -> Iterator[list[str]]:
        return iter((self.missing, self.unexpected))

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.type_mismatches)

    def describe(self) -> str:
        lines = [f"missing: {name}" for name in self.missing]
        lines += [f"unexpected: {name}" for name in self.unexpected]
        lines += [f"type of {n}: expected {e}, found {f}" for n, e, f in self.type_mismatches]
        return "\n".join(lines)


# --- reading a file's fields ---


def _text_of(obj: Any) -> str:
    return str(obj) if obj is not None else ""


def _font_size(da: str) -> float | None:
    match = re.search(r"([\d.]+)\s+Tf", da)
    return float(match.group(1)) if match else None


def _field_type(ft: str, flags: int) -> str:
    if ft == "/Tx":
        return "text"
    if ft == "/Btn":
        if flags & _FF_PUSHBUTTON:
            return "pushbutton"
        return "radio" if flags & _FF_RADIO else "checkbox"
    if ft == "/Ch":
        return "dropdown" if flags & _FF_COMBO else "listbox"
    if ft == "/Sig":
        return "signature"
    return "unknown"


@dataclass
class _Node:
    """A terminal field in a writer or reader: its dictionary, widgets and inherited values."""

    name: str
    obj: DictionaryObject
    widgets: list[DictionaryObject]
    inherited: dict[str, Any]
    info: Field | None = field(default=None)


_INHERITABLE = ("/FT", "/Ff", "/DA", "/Q", "/MaxLen", "/Opt")


def _walk(kids: Iterable[Any], prefix: str, inherited: dict[str, Any]) -> Iterator[_Node]:
    for ref in kids:
        obj = cast(DictionaryObject, ref.get_object())
        here = dict(inherited)
        for key in _INHERITABLE:
            if key in obj:
                here[key] = obj[key]
        title = _text_of(obj.get("/T")) if "/T" in obj else ""
        name = f"{prefix}.{title}" if prefix and title else (title or prefix)
        children = [k.get_object() for k in obj.get("/Kids", [])]
        if any("/T" in child for child in children):
            yield from _walk(obj["/Kids"], name, here)
        elif children:
            yield _Node(name, obj, list(children), here)
        else:
            yield _Node(name, obj, [obj], here)


def _nodes(pdf: PdfReader | PdfWriter) -> list[_Node]:
    root = pdf.trailer["/Root"].get_object() if isinstance(pdf, PdfReader) else pdf._root_object
    acro = root.get("/AcroForm")
    if acro is None:
        return []
    page_of: dict[int, int] = {}
    for index, page in enumerate(pdf.pages):
        for annot in page.get("/Annots", []) or []:
            if hasattr(annot, "idnum"):
                page_of[annot.idnum] = index
    nodes = list(_walk(acro.get_object().get("/Fields", []), "", {}))
    for node in nodes:
        node.info = _describe(node, page_of)
    return nodes


def _describe(node: _Node, page_of: Mapping[int, int]) -> Field:
    inh = node.inherited
    flags = int(inh.get("/Ff", 0))
    kind = _field_type(_text_of(inh.get("/FT")), flags)
    widgets = []
    for w in node.widgets:
        ref = w.indirect_reference
        page = page_of.get(ref.idnum, -1) if ref is not None else -1
        rect = tuple(float(v) for v in w.get("/Rect", [0, 0, 0, 0]))
        x0, y0, x1, y1 = cast(tuple[float, float, float, float], rect)
        on = None
        if kind in ("checkbox", "radio"):
            normal = w.get("/AP", {}).get("/N", {})
            states = [str(k) for k in normal.get_object() if str(k) != "/Off"]
            on = states[0] if states else None
        widgets.append(Widget(page, (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), on))
    options = []
    for opt in inh.get("/Opt", []) or []:
        opt = opt.get_object()
        options.append(_text_of(opt[0] if isinstance(opt, list) else opt))
    max_len = inh.get("/MaxLen")
    first = widgets[0] if widgets else Widget(-1, (0.0, 0.0, 0.0, 0.0), None)
    return Field(
        name=node.name,
        type=kind,
        tooltip=_text_of(node.obj.get("/TU")),
        on_states=tuple(w.on_state for w in widgets if w.on_state),
        page=first.page,
        rect=first.rect,
        max_length=int(max_len) if max_len is not None else None,
        multiline=bool(flags & _FF_MULTILINE),
        font_size=_font_size(_text_of(inh.get("/DA"))),
        comb=bool(flags & _FF_COMB) and max_len is not None,
        quadding=int(inh.get("/Q", 0)),
        options=tuple(options),
        widgets=tuple(widgets),
    )


def read_inventory(pdf: bytes) -> list[Field]:
    """Every terminal field of the file, in the order of the AcroForm's field tree."""
    return [cast(Field, n.info) for n in _nodes(PdfReader(io.BytesIO(pdf)))]


def load_inventory_csv(path: str | Path) -> list[ExpectedField]:
    """An edition's field list: columns field_name, type, part, item, meaning."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            ExpectedField(r["field_name"], r["type"], r["part"], r["item"], r["meaning"])
            for r in csv.DictReader(handle)
        ]


def compare(found: Iterable[Field], expected: Iterable[ExpectedField]) -> InventoryDiff:
    """Names expected but absent, names present but not expected, and fields of another type."""
    have = {f.name: f.type for f in found}
    want = {e.name: e.type for e in expected}
    return InventoryDiff(
        missing=[n for n in want if n not in have],
        unexpected=[n for n in have if n not in want],
        type_mismatches=[(n, t, have[n]) for n, t in want.items() if n in have and have[n] != t],
    )


# --- matching boxes to labels by tooltip ---


def normalise(text: str) -> str:
    """Case, accents and punctuation dropped, single spaces: 'Part 3. Rape.' -> 'part 3 rape'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def _contains(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def label_choices(tooltip: str, wanted: Mapping[Any, list[str]]) -> list[Any]:
    """The label keys a tooltip names: equal, else the longest contained (or containing it) as
    a whole-word phrase; several when that is ambiguous, none when it names none."""
    words = normalise(tooltip).split()
    exact = [k for k, w in wanted.items() if w == words]
    if exact:
        return exact
    scored = [
        (len(w), k)
        for k, w in wanted.items()
        if _contains(words, w) or (len(w) > len(words) and _contains(w, words))
    ]
    if not scored:
        return []
    top = max(s for s, _k in scored)
    return [k for s, k in scored if s == top]


def match_by_tooltip(fields: Iterable[Field], labels: Mapping[Any, str]) -> dict[Any, str]:
    """{label key: field name}, each field's tooltip naming exactly one label.

    A tooltip matches a label when, normalised, they are equal or one contains the other as a
    whole-word phrase; the longest such label wins. Raises ``TooltipMatchError`` naming every
    field and every label left without a partner (never falls back to index order).
    """
    fields = list(fields)
    wanted = {key: normalise(text).split() for key, text in labels.items()}
    result: dict[Any, str] = {}
    problems: list[str] = []
    bad_fields: list[str] = []
    for f in fields:
        choice = label_choices(f.tooltip, wanted)
        if len(choice) != 1:
            bad_fields.append(f.name)
            names = ", ".join(repr(labels[k]) for k in choice)
            why = f"is ambiguous ({names})" if choice else "names no label"
            problems.append(f"box {f.name} (tooltip {f.tooltip!r}) {why}")
            continue
        key = choice[0]
        if key in result:
            bad_fields.append(f.name)
            problems.append(
                f"box {f.name} (tooltip {f.tooltip!r}) names {labels[key]!r}, "
                f"already matched to {result[key]}"
            )
            continue
        result[key] = f.name
    left = [k for k in labels if k not in result]
    problems += [f"label {labels[k]!r} matches no box" for k in left]
    if problems:
        raise TooltipMatchError(
            "Cannot match boxes to labels by tooltip:\n" + "\n".join(problems),
            bad_fields,
            [labels[k] for k in left],
        )
    return result


def match_choice(fields: Iterable[Field], options: Sequence[str]) -> dict[str, str]:
    """{option: box name} for one choice item: by tooltip, else by each box's own on-state."""
    fields = list(fields)
    try:
        return match_by_tooltip(fields, {o: o for o in options})
    except TooltipMatchError as by_tooltip:
        by_state: dict[str, str] = {}
        for option in options:
            target = normalise(option).replace(" ", "")
            hits = [
                f.name
                for f in fields
                if any(normalise(s.lstrip("/")).replace(" ", "") == target for s in f.on_states)
            ]
            if len(hits) != 1:
                raise by_tooltip from None
            by_state[option] = hits[0]
        return by_state


# --- filling ---


def fill(
    template: bytes,
    values: Mapping[str, str | bool],
    *,
    continuation: Continuation | None = None,
    ink_only: Collection[str] = INK_ONLY_FIELDS,
    metadata: Mapping[str, str] | None = None,
) -> bytes:
    """The template with ``values`` written by full field name; returns the new PDF.

    Text (and dropdown) values are strings; dates come already formatted (mm/dd/yyyy).
    Checkboxes take True (the widget's own on-state), False (/Off) or an on-state name.
    Text that does not fit continues in ``continuation``'s blocks, then on appended sheets;
    without a ``continuation`` it raises. Naming an ``ink_only`` field raises, even with an
    empty value; those fields are always written back empty. ``metadata`` (e.g.
    ``{"/Title": ...}``) goes into the document information dictionary.
    """
    refused = sorted(n for n in values if n in ink_only)
    if refused:
        raise InkOnlyFieldError(
            "These fields are signed and dated by hand in ink and are never filled: "
            + ", ".join(refused)
        )
    register_fonts()
    writer, printed = _writer_for(template)
    nodes = {n.name: n for n in _nodes(writer)}
    unknown = [n for n in values if n not in nodes]
    if unknown:
        raise FormError("The template has no fields named: " + ", ".join(unknown))
    for name, node in nodes.items():
        if name in printed.rules:
            node.info = dataclasses.replace(cast(Field, node.info), rules=printed.rules[name])
    texts, boxes, sheet_pages = _plan_with_sheets(nodes, values, continuation, printed.form)
    for name, state in boxes.items():
        _set_box(nodes[name], state)
    _set_texts(writer, nodes, texts)
    for page in sheet_pages:
        writer.add_page(page)
    for name in ink_only:
        if name in nodes:
            _clear(nodes[name])
    _drop_xfa(writer)
    if metadata:
        writer.add_metadata(dict(metadata))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass(frozen=True)
class _Printed:
    """What a template's pages print: the rules under each multi-line text field, the form name."""

    rules: Mapping[str, tuple[float, ...]]
    form: str


_READERS: OrderedDict[bytes, tuple[PdfReader, threading.Lock, _Printed]] = OrderedDict()
_READERS_LOCK = threading.Lock()


def _writer_for(template: bytes) -> tuple[PdfWriter, _Printed]:
    """A writer holding a copy of ``template``, and what its pages print. Parsed readers of the
    last few templates are kept: cloning from an already parsed reader is about four times
    faster than parsing again, and the page content is read once."""
    key = hashlib.sha256(template).digest()
    with _READERS_LOCK:
        if key not in _READERS:
            reader = PdfReader(io.BytesIO(template))
            _READERS[key] = (reader, threading.Lock(), _read_printed(reader))
        _READERS.move_to_end(key)
        while len(_READERS) > 4:
            _READERS.popitem(last=False)
        reader, lock, printed = _READERS[key]
    with lock:  # a reader resolves objects from one shared stream
        return PdfWriter(clone_from=reader), printed


def _read_printed(reader: PdfReader) -> _Printed:
    pages = list(reader.pages)
    by_page: dict[int, list[Any]] = {}
    rules: dict[str, tuple[float, ...]] = {}
    for node in _nodes(reader):
        info = cast(Field, node.info)
        if info.type != "text" or not info.multiline or not 0 <= info.page < len(pages):
            continue
        if info.page not in by_page:
            by_page[info.page] = page_rules(pages[info.page])
        found = rules_in(by_page[info.page], info.rect)
        if found:
            rules[info.name] = found
    return _Printed(rules, form_name(pages[0]) if pages else "")


def _plan_with_sheets(
    nodes: Mapping[str, _Node],
    values: Mapping[str, str | bool],
    continuation: Continuation | None,
    form: str,
) -> tuple[dict[str, str], dict[str, str], list[Any]]:
    """``_plan``, and the continuation sheets' pages. The last Part 7 block says how many sheets
    are attached, and its marker's length decides what goes on them: planned again until the
    count it names is the count made (a sheet more or less changes the marker by a character)."""
    count = 1
    texts, boxes, entries = _plan(nodes, values, continuation, count)
    if not entries or continuation is None:
        return texts, boxes, []
    if not continuation.form and form:
        continuation = dataclasses.replace(continuation, form=form)
    for _attempt in range(4):
        pages = list(PdfReader(io.BytesIO(continuation_sheets(continuation, entries))).pages)
        if len(pages) == count:
            break
        count = len(pages)
        texts, boxes, entries = _plan(nodes, values, continuation, count)
    else:  # not settled: the sheets of the last plan, whose marker may be a sheet off
        pages = list(PdfReader(io.BytesIO(continuation_sheets(continuation, entries))).pages)
    return texts, boxes, pages


def _plan(
    nodes: Mapping[str, _Node],
    values: Mapping[str, str | bool],
    continuation: Continuation | None,
    sheet_count: int = 1,
) -> tuple[dict[str, str], dict[str, str], list[ContinuationEntry]]:
    """Text per field (after splitting what does not fit), box states, and sheet entries.

    ``sheet_count`` is the number of continuation sheets the last Part 7 block announces.
    """
    texts: dict[str, str] = {}
    boxes: dict[str, str] = {}
    entries = [
        ContinuationEntry(e.part, e.item, e.text, page=int(_entry_page(e, nodes) or 0) or None)
        for e in (continuation.entries if continuation else ())
    ]
    part = continuation.part if continuation else "7"
    for name, node in nodes.items():  # form order, so continuations follow it too
        if name not in values:
            continue
        info = cast(Field, node.info)
        value = values[name]
        if info.type in ("checkbox", "radio"):
            boxes[name] = _box_state(info, value)
            continue
        if info.type not in ("text", "dropdown", "listbox"):
            raise FormError(f"Field {name} is a {info.type} and cannot be filled")
        if isinstance(value, bool):
            raise FormError(f"Field {name} is a {info.type}: give text, not {value!r}")
        text = clean(value)
        if info.type != "text":
            if info.options and text and text not in info.options:
                raise FormError(f"{text!r} is not an option of {name}: {', '.join(info.options)}")
            texts[name] = text
            continue
        if info.max_length and not info.comb and not info.multiline:
            # /MaxLen counts characters for typing on screen; on paper the box's width is the
            # limit (a title of 36 characters prints whole in a 34-character box at 9 pt).
            info = dataclasses.replace(info, max_length=None)
            node.info = info  # drawn as it is measured
        head, rest = split_to_fit(info, text, CONTINUED_HERE.format(part=part))
        if info.max_length is None and len(head) > int(node.inherited.get("/MaxLen", len(head))):
            node.obj[NameObject("/MaxLen")] = NumberObject(len(head))
        if rest:
            if continuation is None:
                raise FormError(f"Text for {name} does not fit and no continuation was given")
            if name not in continuation.refs:
                raise FormError(f"Text for {name} does not fit and its Part and Item are unknown")
            ref_part, ref_item = continuation.refs[name]
            entries.append(ContinuationEntry(ref_part, ref_item, rest, page=info.page + 1))
        texts[name] = head
    if continuation and entries:
        absent = [n for block in continuation.blocks for n in block if n not in nodes]
        if absent:
            raise FormError("The template has no continuation fields named: " + ", ".join(absent))
        used = [n for block in continuation.blocks for n in block if n in values]
        if used:
            raise FormError("Continuation blocks are filled by continuations only: " + str(used))
        entries.sort(key=_form_order)  # the caller's entries and overflows, in form order
        return texts, boxes, _fill_blocks(nodes, continuation, entries, texts, sheet_count)
    return texts, boxes, []


def _form_order(entry: ContinuationEntry) -> list[tuple[int, int | str]]:
    """Part, then item, numbers compared as numbers: 3.d < 6 < 10."""
    return [
        (0, int(piece)) if piece.isdigit() else (1, piece)
        for piece in re.findall(r"\d+|[^\d.\s-]+", f"{entry.part} {entry.item}")
    ]


def _box_state(info: Field, value: str | bool) -> str:
    if not info.on_states:
        raise FormError(f"Box {info.name} has no on-state in its appearance dictionary")
    if value is True:
        if len(set(info.on_states)) != 1:
            raise FormError(f"{info.name} has several on-states {info.on_states}: name one")
        return info.on_states[0]
    if value is False or value in ("", "/Off", "Off"):
        return "/Off"
    state = value if value.startswith("/") else "/" + value
    if state not in info.on_states:
        raise FormError(f"{value!r} is not an on-state of {info.name}: {info.on_states}")
    return state


def _entry_page(entry: ContinuationEntry, nodes: Mapping[str, _Node]) -> str:
    if entry.page is not None:
        return str(entry.page)
    if entry.anchor and entry.anchor in nodes:
        return str(cast(Field, nodes[entry.anchor].info).page + 1)
    return ""


def _fill_blocks(
    nodes: Mapping[str, _Node],
    cont: Continuation,
    entries: list[ContinuationEntry],
    texts: dict[str, str],
    sheet_count: int = 1,
) -> list[ContinuationEntry]:
    """Puts entries in the Additional Information blocks; returns what is left for sheets.

    What does not fit in the last block ends it with a marker naming ``sheet_count`` sheets.
    """
    queue = list(entries)
    for page_f, part_f, item_f, text_f in cont.blocks:
        if not queue:
            break
        entry = queue.pop(0)
        info = cast(Field, nodes[text_f].info)
        last_block = (page_f, part_f, item_f, text_f) == cont.blocks[-1]
        marker = continued_on_sheets(sheet_count) if last_block else ""
        # The last block says that sheets follow even when its own text fits.
        head, rest = split_to_fit(info, clean(entry.text), marker, always=bool(queue))
        texts[page_f] = _entry_page(entry, nodes)
        texts[part_f] = entry.part
        texts[item_f] = entry.item
        texts[text_f] = head
        if rest:
            queue.insert(0, ContinuationEntry(entry.part, entry.item, rest, entry.page))
    return queue


def _set_box(node: _Node, state: str) -> None:
    node.obj[NameObject("/V")] = NameObject(state)
    for widget in node.widgets:
        normal = widget.get("/AP", {}).get("/N", {}).get_object()
        shown = state if state in normal else "/Off"
        widget[NameObject("/AS")] = NameObject(shown)


def _clear(node: _Node) -> None:
    for key in ("/V", "/AS"):
        if key in node.obj:
            del node.obj[key]
    for widget in node.widgets:
        ap = widget.get("/AP")
        if ap is not None and "/N" in ap and "/Off" not in ap["/N"].get_object():
            del widget["/AP"]  # a text field's old appearance could show a value


def _drop_xfa(writer: PdfWriter) -> None:
    """AcroForm values only: XFA would override them in Adobe viewers. Nothing that runs either:
    no JavaScript (USCIS's files carry a document script, the XFA version check), no actions,
    no embedded files (pdf_clean.py), even from a template stored before loading removed them."""
    pdf_clean.strip(writer)
    root = writer._root_object
    acro = cast(DictionaryObject, root["/AcroForm"].get_object())
    for key in ("/XFA",):
        if key in acro:
            del acro[key]
    # Reader-extension rights are signed over the original file and break once it is changed.
    for key in ("/NeedsRendering", "/Perms"):
        if key in root:
            del root[key]
    # Our appearance streams are authoritative: a viewer regenerating them would use the /DA
    # font, which may lack the letters of the names written here.
    acro[NameObject("/NeedAppearances")] = BooleanObject(False)


def _set_texts(writer: PdfWriter, nodes: Mapping[str, _Node], texts: Mapping[str, str]) -> None:
    """Writes /V and an appearance stream (one Form XObject per widget) for every text."""
    jobs: list[tuple[DictionaryObject, float, float]] = []
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=0, invariant=1)
    for name, text in texts.items():
        node = nodes[name]
        node.obj[NameObject("/V")] = TextStringObject(text)
        if "/I" in node.obj:  # choice fields: the selected index would contradict /V
            del node.obj["/I"]
        for widget in node.widgets:
            w, h = draw(canvas, cast(Field, node.info), widget, text)
            canvas.showPage()
            jobs.append((widget, w, h))
    if not jobs:
        return
    canvas.save()
    pages = PdfReader(io.BytesIO(buffer.getvalue())).pages
    for (widget, w, h), page in zip(jobs, pages, strict=True):
        stream = DecodedStreamObject()
        stream.set_data(b"/Tx BMC\nq\n" + page.get_contents().get_data() + b"\nQ\nEMC\n")
        stream[NameObject("/Type")] = NameObject("/XObject")
        stream[NameObject("/Subtype")] = NameObject("/Form")
        stream[NameObject("/BBox")] = ArrayObject(
            [NumberObject(0), NumberObject(0), FloatObject(w), FloatObject(h)]
        )
        stream[NameObject("/Resources")] = page["/Resources"].clone(writer)
        widget[NameObject("/AP")] = DictionaryObject(
            {NameObject("/N"): writer._add_object(stream.flate_encode())}
        )
