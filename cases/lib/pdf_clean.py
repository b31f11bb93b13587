"""Remove active content from a PDF, and refuse a PDF too large to handle safely.

Pure pypdf, nothing from Django or the rest of ``cases``. Two uses:

- ``clean(data, limits)`` reads a PDF from outside (the blank form an administrator loads, the
  scan of the pages signed in ink) and returns it rewritten without active content, or raises
  ``Refused`` with a sentence for the person who uploaded it. It is meant to run in the bounded
  child process of cases/documents/pdf_sandbox.py, never in a web worker.
- ``strip(writer)`` removes the same content from a document being written (the filled form),
  so that a template stored before loading cleaned it still yields a clean file.

What a PDF viewer runs or fetches by itself is removed (ISO 32000-1:2008, PDF 1.7):

- the document's open action, catalog ``/OpenAction`` (7.7.2, Table 28), and its additional
  actions on close, save and print, catalog ``/AA`` (12.6.3, Table 197);
- page additional actions on open and close, page ``/AA`` (Table 195); the additional actions
  of annotations, widgets and form fields (``/AA``, Tables 194 and 196: keystroke, format,
  validate and calculate scripts), and the calculation order that names them, AcroForm ``/CO``
  (12.7.2, Table 218);
- document-level JavaScript, the name tree ``/Names /JavaScript`` (7.7.4, Table 31; 12.6.4.16):
  USCIS's own files carry one, the XFA version check; also the ``/AlternatePresentations`` and
  ``/Renditions`` name trees (13.5, 13.2.3), whose slides and media can run scripts;
- every action other than a plain go-to within the document (12.6.4, Table 198):
  ``/JavaScript`` (12.6.4.16), ``/URI`` (12.6.4.7), ``/Launch`` (12.6.4.5), ``/SubmitForm``
  (12.7.5.2), ``/ImportData`` (12.7.5.4), ``/GoToR`` (12.6.4.3), ``/GoToE`` (12.6.4.4) and the
  others (``/ResetForm``, ``/Hide``, ``/Named``, ``/SetOCGState``, ``/Rendition``, ``/Sound``,
  ``/Movie``, ``/Trans``, ``/GoTo3DView``, ``/Thread``): an ``/A`` entry naming one is removed,
  and so is any go-to's ``/Next`` chain (12.6.2) that leads to one; link annotations (12.5.6.5)
  left without an action are removed;
- embedded files: the ``/Names /EmbeddedFiles`` tree (7.11.4), a portable collection's
  catalog ``/Collection`` (12.3.5), file attachment annotations
  (12.5.6.15), the ``/EF`` entry of file specifications and associated files ``/AF`` (PDF 2.0,
  14.13); and the annotations that play or run something: ``/Sound``, ``/Movie``, ``/Screen``
  (12.5.6.16-18), ``/3D`` (13.6) and ``/RichMedia`` (Adobe supplement, ExtensionLevel 3);
- XFA, AcroForm ``/XFA`` (12.7.8): an XML form with its own scripts that Adobe viewers show
  instead of the AcroForm fields; and the usage-rights signature ``/Perms`` with
  ``/NeedsRendering`` (12.8.4, Table 258), which no longer matches once anything is removed.

Widgets, their appearance streams (/AP, 12.5.5), tooltips (/TU), the field tree, page content,
the structure tree and metadata are kept.

A file is refused before anything is copied when it is larger than ``Limits.max_bytes``, holds
more than ``Limits.max_objects`` objects, when one stream decodes to more than
``Limits.max_stream_bytes`` or all streams together to more than ``Limits.max_total_bytes``
(a stream of 1 MB that inflates to 1 GiB is refused after inflating ``max_stream_bytes``, and
nothing of it is kept in memory), when an image declares more than ``Limits.max_image_pixels``
pixels, or when it is encrypted with a password. Every object in the cross-reference table is
checked, reachable or not.

The output is always rewritten by pypdf (never the input bytes): what is stored is exactly what
was checked, one revision, unreferenced objects dropped, without encryption. The same input
gives the same output.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from pypdf import PdfReader, PdfWriter, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.filters import decode_stream_data
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    PdfObject,
    StreamObject,
)

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What a file may hold. The USCIS Supplement B (02/07/17) is 0.9 MB with about 1,200
    objects whose streams decode to 1.7 MB in all; a scan of a few pages is some MB of images."""

    max_bytes: int = 20 * MB
    max_objects: int = 20_000
    max_stream_bytes: int = 32 * MB
    max_total_bytes: int = 256 * MB
    max_image_pixels: int = 60_000_000  # a Letter page at 600 dpi in colour is 34 million


class Refused(ValueError):
    """The file cannot be used; the message says why, for the person who uploaded it."""


@dataclass
class Report:
    """What ``clean`` found and removed."""

    size_in: int = 0
    size_out: int = 0
    objects_in: int = 0
    objects_out: int = 0
    decoded_bytes: int = 0
    unreferenced: int = 0  # objects nothing referred to any more, not written
    removed: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        if not self.removed:
            return "no active content found"
        return "removed " + "; ".join(
            f"{what} ({n})" if n > 1 else what for what, n in sorted(self.removed.items())
        )


# The only action kept: a go-to within the document (12.6.4.2). Everything else is removed.
SAFE_ACTIONS = frozenset({"/GoTo"})
# Annotations that play, run or carry something (12.5.6.15-18, 13.6; RichMedia: Adobe).
ACTIVE_ANNOTATIONS = frozenset(
    {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/3D", "/RichMedia"}
)
# Name trees of the catalog's /Names dictionary that hold scripts, media or files (Table 31).
ACTIVE_NAME_TREES = (
    "/JavaScript",
    "/EmbeddedFiles",
    "/AlternatePresentations",
    "/Renditions",
    "/XFAResources",  # Adobe XFA: the fonts and scripts of the XFA form
)
CATALOG_KEYS = ("/OpenAction", "/AA", "/Perms", "/NeedsRendering", "/Collection")
# Entries removed from any dictionary in the file: additional actions, embedded file streams
# in file specifications (7.11.4), associated files (PDF 2.0).
ANYWHERE_KEYS = ("/AA", "/EF", "/AF", "/JS")
IMAGE_FILTERS = frozenset(
    {"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"}
)


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def _action_type(action: PdfObject | None) -> str | None:
    value = action.get_object() if action is not None else None
    if isinstance(value, DictionaryObject) and "/S" in value:
        return str(value["/S"])
    return None


def _safe_action(action: PdfObject | None, removed: Counter[str], depth: int = 0) -> bool:
    """Whether ``action`` is a go-to within the document; a /Next chain that leads anywhere
    else is cut (its safe head is kept)."""
    kind = _action_type(action)
    if kind is None or action is None:  # not an action dictionary (a destination, or nothing)
        return True
    if kind not in SAFE_ACTIONS:
        removed[f"{kind} action"] += 1
        return False
    value = cast(DictionaryObject, action.get_object())
    following = value.get("/Next")
    if following is not None:
        chain = following.get_object()
        items = list(chain) if isinstance(chain, ArrayObject) else [following]
        if depth > 20 or not all(_safe_action(item, removed, depth + 1) for item in items):
            del value["/Next"]
    return True


def _walk(obj: PdfObject | None, seen: set[int], depth: int = 0) -> Iterator[DictionaryObject]:
    """Every dictionary (stream dictionaries included) in ``obj``, following direct objects
    only: indirect ones are visited by the caller, once each."""
    if depth > 200:
        raise Refused("The file nests its objects too deeply to be read safely.")
    if isinstance(obj, DictionaryObject):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        yield obj
        for value in list(obj.values()):
            if not isinstance(value, IndirectObject):
                yield from _walk(value, seen, depth + 1)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            if not isinstance(value, IndirectObject):
                yield from _walk(value, seen, depth + 1)


def _dictionaries(writer: PdfWriter) -> Iterator[DictionaryObject]:
    seen: set[int] = set()
    for obj in list(writer._objects):
        if obj is not None:
            yield from _walk(obj, seen)
    if writer._info_obj is not None:  # the document information, sometimes direct
        yield from _walk(writer._info_obj.get_object(), seen)


def _remove_keys(
    dictionary: PdfObject | None, keys: Iterable[str], where: str, removed: Counter[str]
) -> None:
    value = dictionary.get_object() if dictionary is not None else None
    if not isinstance(value, DictionaryObject):
        return
    for key in keys:
        if key in value:
            del value[key]
            removed[f"{where} {key}"] += 1


def strip(writer: PdfWriter) -> Counter[str]:
    """Removes active content from ``writer`` in place; returns what was removed, counted.

    Objects left unreferenced are dropped too (``drop_unreferenced``)."""
    removed: Counter[str] = Counter()
    root = writer._root_object
    _remove_keys(root, CATALOG_KEYS, "catalog", removed)
    _remove_keys(root.get("/Names"), ACTIVE_NAME_TREES, "/Names", removed)
    _remove_keys(root.get("/AcroForm"), ("/XFA", "/CO"), "AcroForm", removed)
    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        annots = annots.get_object()
        if not isinstance(annots, ArrayObject):
            continue
        for ref in list(annots):
            annot = ref.get_object()
            if not isinstance(annot, DictionaryObject):
                continue
            subtype = str(annot.get("/Subtype", ""))
            link_goes_elsewhere = subtype == "/Link" and not _safe_action(annot.get("/A"), removed)
            if subtype in ACTIVE_ANNOTATIONS or link_goes_elsewhere:
                annots.remove(ref)
                removed[f"{subtype} annotation"] += 1
    # What the removals above orphaned is not swept; a clean document is left as it is.
    if removed:
        drop_unreferenced(writer)
    for obj in _dictionaries(writer):
        for key in ANYWHERE_KEYS:
            if key in obj:
                del obj[key]
                removed[f"{key} entry"] += 1
        if "/A" in obj and not _safe_action(obj["/A"], removed):
            del obj["/A"]
        if "/OpenAction" in obj:  # only the catalog may have one
            del obj["/OpenAction"]
            removed["/OpenAction entry"] += 1
    if removed:
        drop_unreferenced(writer)
    return removed


def drop_unreferenced(writer: PdfWriter) -> int:
    """Frees every object that the catalog and the document information no longer reach."""
    reached: set[int] = set()
    todo: list[PdfObject | None] = [writer._root_object]
    if writer._info_obj is not None:
        todo.append(writer._info_obj)
    while todo:
        obj: PdfObject | None = todo.pop()
        if isinstance(obj, IndirectObject):
            if obj.pdf is not writer or obj.idnum in reached:
                continue
            reached.add(obj.idnum)
            todo.append(obj.get_object())
        elif isinstance(obj, DictionaryObject):
            todo.extend(obj.values())
            own = getattr(obj, "indirect_reference", None)
            if own is not None and own.pdf is writer:
                reached.add(own.idnum)
        elif isinstance(obj, ArrayObject):
            todo.extend(obj)
    dropped = 0
    for index, written in enumerate(writer._objects):
        if written is not None and index + 1 not in reached:
            writer._objects[index] = None
            dropped += 1
    return dropped


def _object_count(reader: PdfReader) -> int:
    in_tables = sum(len(entries) for entries in reader.xref.values())
    return in_tables + len(reader.xref_objStm)


def _references(reader: PdfReader) -> Iterator[IndirectObject]:
    for generation, entries in reader.xref.items():
        for number in entries:
            yield IndirectObject(number, generation, reader)
    for number in reader.xref_objStm:
        yield IndirectObject(number, 0, reader)


def _filters(stream: StreamObject) -> list[str]:
    filters = stream.get("/Filter")
    filters = filters.get_object() if filters is not None else None
    if isinstance(filters, ArrayObject):
        return [str(f) for f in filters]
    return [str(filters)] if filters else []


def _number(value: PdfObject | None) -> int:
    value = value.get_object() if value is not None else None
    return int(value) if isinstance(value, (int, float)) else 0


def _check_streams(reader: PdfReader, limits: Limits, report: Report) -> None:
    """Decodes every stream once (pypdf stops a filter at ``max_stream_bytes``), keeps none."""
    for ref in _references(reader):
        try:
            obj = ref.get_object()
        except LimitReachedError:
            raise
        # A damaged object: pypdf does not copy it either.
        except Exception:  # noqa: S112 # nosec B112
            continue
        if not isinstance(obj, StreamObject):
            continue
        filters = _filters(obj)
        if set(filters) & IMAGE_FILTERS or str(obj.get("/Subtype", "")) == "/Image":
            pixels = _number(obj.get("/Width")) * _number(obj.get("/Height"))
            if pixels > limits.max_image_pixels:
                raise Refused(
                    f"An image in this file declares {pixels:,} pixels; the limit is "
                    f"{limits.max_image_pixels:,}."
                )
        if set(filters) & {"/JBIG2Decode"}:
            size = len(obj._data)  # decoded by an outside program; its size is the image's
        else:
            try:
                size = len(decode_stream_data(obj))
            except LimitReachedError:
                raise
            # Undecodable: a viewer shows nothing of it either.
            except Exception:  # noqa: S112 # nosec B112
                continue
        if size > limits.max_stream_bytes:
            raise LimitReachedError(f"{size} bytes")
        report.decoded_bytes += size
        if report.decoded_bytes > limits.max_total_bytes:
            raise Refused(
                f"The streams of this file decode to more than {_mb(limits.max_total_bytes)} "
                "in all; the limit is there so that no viewer is made to inflate them."
            )


def _configuration(limits: Limits) -> dict[str, Any]:
    per_stream = limits.max_stream_bytes
    return {
        "zlib_maximum_output_length": per_stream,
        "lzw_maximum_output_length": per_stream,
        "run_length_maximum_output_length": per_stream,
        "brotli_maximum_output_length": per_stream,
        "jbig2_maximum_output_length": per_stream,
        "array_based_stream_maximum_output_length": per_stream,
        "stream_decoding_work_maximum_length": 4 * per_stream,
        "maximum_declared_stream_length": limits.max_bytes,
        "image_maximum_buffer_size": per_stream,
        "jbig2dec_binary": None,  # no outside program
    }


def clean(data: bytes, limits: Limits | None = None) -> tuple[bytes, Report]:
    """``data`` rewritten without active content, and what was removed; or ``Refused``."""
    limits = limits or Limits()
    report = Report(size_in=len(data))
    if len(data) > limits.max_bytes:
        raise Refused(
            f"The file is {_mb(len(data))}; the limit is {_mb(limits.max_bytes)}. The blank USCIS "
            "form is about 1 MB."
        )
    if not data.startswith(b"%PDF-"):
        raise Refused("This file is not a PDF.")
    _count_before_parsing(data, limits)
    with apply_configuration(**_configuration(limits)):
        try:
            return _clean(data, limits, report)
        except LimitReachedError as exc:
            raise Refused(
                f"A stream in this file decodes to more than {_mb(limits.max_stream_bytes)} "
                "(a compression bomb, or a file far larger than a form); it was not copied."
            ) from exc
        except Refused:
            raise
        except MemoryError as exc:  # the child's address-space limit
            raise Refused("Reading this file needs more memory than is allowed.") from exc
        except Exception as exc:  # pypdf raises many kinds on damaged files
            raise Refused(f"This PDF cannot be read ({type(exc).__name__}: {exc}).") from exc


_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_SIZE = re.compile(rb"/Size\s+(\d{1,12})")


def _too_many(count: int, limits: Limits) -> Refused:
    return Refused(
        f"The file holds {count:,} objects; the limit is {limits.max_objects:,} (the blank USCIS "
        "form holds about 1,200)."
    )


def _count_before_parsing(data: bytes, limits: Limits) -> None:
    """A quick count on the raw bytes (objects written out, the cross-reference size), so that
    a file of many small objects is refused before pypdf parses its cross-reference table."""
    sizes = [int(m.group(1)) for m in _SIZE.finditer(data)]
    count = max([*sizes, 0])
    if count <= limits.max_objects:
        count = sum(1 for _ in _OBJECT.finditer(data))
    if count > limits.max_objects:
        raise _too_many(count, limits)


def _clean(data: bytes, limits: Limits, report: Report) -> tuple[bytes, Report]:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise Refused("The file is protected by a password; save it without one and try again.")
    report.objects_in = _object_count(reader)
    if report.objects_in > limits.max_objects:
        raise _too_many(report.objects_in, limits)
    _check_streams(reader, limits, report)
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # the same PDF version as the file read
    report.removed = strip(writer)
    report.unreferenced = drop_unreferenced(writer)
    if reader.is_encrypted:
        report.removed["encryption (empty user password)"] += 1
    report.objects_out = sum(1 for obj in writer._objects if obj is not None)
    out = io.BytesIO()
    writer.write(out)
    report.size_out = out.tell()
    return out.getvalue(), report


# Names that can only belong to active content (as the sections above list them), and what can
# hide a name from a search of the raw bytes: object streams (7.5.7) and encryption (7.6).
_GIVEAWAYS = frozenset(
    {
        b"/JavaScript", b"/JS", b"/AA", b"/OpenAction", b"/URI", b"/Launch", b"/SubmitForm",
        b"/ImportData", b"/GoToR", b"/GoToE", b"/XFA", b"/EmbeddedFile", b"/EmbeddedFiles",
        b"/EF", b"/AF", b"/RichMedia", b"/FileAttachment", b"/ObjStm", b"/Encrypt",
    }
)  # fmt: skip
_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]*")  # a name runs to a delimiter (7.3.5)
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def may_have_active_content(data: bytes) -> bool:
    """False when the raw bytes prove there is none: no name of active content (also written
    with #xx escapes), and nothing that could hide one. True means: ask ``active_content``."""
    for match in _NAME.finditer(data):
        name = match.group(0)
        if b"#" in name:
            name = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        if name in _GIVEAWAYS:
            return True
    return False


def active_content(data: bytes, limits: Limits | None = None) -> list[str]:
    """What ``clean`` would remove from ``data`` (nothing for a file it wrote)."""
    limits = limits or Limits()
    with apply_configuration(**_configuration(limits)):
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        writer = PdfWriter(clone_from=reader)
        found = strip(writer)
    return sorted(found)
