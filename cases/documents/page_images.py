"""Render pages of a PDF the tracker filled to PNG, in a limited child process (PDFium).

The Chief approves the pages that will be printed: the case page shows the filled USCIS form
page by page. PDFium (pypdfium2) draws the fields from their appearance streams, as a printer
does; ``init_forms`` makes it draw AcroForm widgets.

The PDF is the department's own fill, but of a template an administrator uploaded; the
rendering runs, like the public verification page's parsing (pdf_sandbox.py), in a child
process that limits its CPU seconds and address space before it reads a byte, writes no files,
is killed after a wall-clock timeout, and runs in at most ``UVISA_RENDER_CONCURRENCY`` slots
per machine.

Run as ``python -m cases.documents.page_images DPI PAGE CPU_SECONDS MEMORY_MB`` with the PDF on
stdin (PAGE 0: every page); it writes each PNG with a 4-byte length before it. It needs no
settings and no database.
"""

from __future__ import annotations

import io
import struct
import subprocess  # nosec B404
import sys

from cases.documents.child_limits import Busy, limit_self, run_python, slot

__all__ = ["Busy", "RenderFailed", "render", "render_in_this_process"]

WALL_SECONDS_PER_CPU_SECOND = 3


class RenderFailed(Exception):
    """The child could not render the file within its limits."""


# 256 greys to 16 (4-bit PNG): the form is black on white; a fifth of a full-colour PNG, and
# about 40 ms a page where PIL's quantize took 150.
_SIXTEEN = [v // 16 for v in range(256)]
_GREYS = [c for i in range(16) for c in (i * 17,) * 3]


def _png(bitmap: object) -> bytes:
    """A page as a 4-bit greyscale PNG."""
    image = bitmap.to_pil().convert("L").point(_SIXTEEN).convert("P")  # type: ignore[attr-defined]
    image.putpalette(_GREYS)
    out = io.BytesIO()
    image.save(out, format="PNG", bits=4)
    return out.getvalue()


def render_in_this_process(data: bytes, dpi: int, page: int = 0) -> list[bytes]:
    """The PNG of page ``page`` (1-based), or of every page when it is 0."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        document.init_forms()
        numbers = range(len(document)) if page == 0 else [page - 1]
        pngs = []
        for n in numbers:
            bitmap = document[n].render(scale=dpi / 72, may_draw_forms=True)
            pngs.append(_png(bitmap))
        return pngs
    finally:
        document.close()


def main() -> None:
    dpi, page, cpu_seconds, memory_mb = (int(a) for a in sys.argv[1:5])
    # Imported before the limits, so that they measure the rendering, not the start-up.
    import PIL.Image  # noqa: F401
    import pypdfium2  # noqa: F401

    limit_self(cpu_seconds, memory_mb)
    data = sys.stdin.buffer.read()
    for png in render_in_this_process(data, dpi, page):
        sys.stdout.buffer.write(struct.pack(">I", len(png)) + png)


def _split(output: bytes) -> list[bytes]:
    pngs, at = [], 0
    while at < len(output):
        if at + 4 > len(output):
            raise RenderFailed("the renderer's output was cut")
        (size,) = struct.unpack(">I", output[at : at + 4])
        png = output[at + 4 : at + 4 + size]
        if len(png) != size or not png.startswith(b"\x89PNG"):
            raise RenderFailed("the renderer's output was cut")
        pngs.append(png)
        at += 4 + size
    return pngs


def render(
    data: bytes,
    *,
    dpi: int,
    page: int = 0,
    cpu_seconds: int = 10,
    memory_mb: int = 768,
    slots: int = 2,
    wait_seconds: float = 10.0,
) -> list[bytes]:
    """The PNGs of ``data``'s pages (``page`` 1-based; 0: all), rendered in a limited child."""
    with slot("render", slots, wait_seconds):
        try:
            done = run_python(
                ["-m", __name__, str(dpi), str(page), str(cpu_seconds), str(memory_mb)],
                data,
                timeout=cpu_seconds * WALL_SECONDS_PER_CPU_SECOND + 5,
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderFailed("the file took too long to render") from exc
    if done.returncode != 0:
        raise RenderFailed("the file could not be rendered within the limits")
    return _split(done.stdout)


if __name__ == "__main__":
    main()
