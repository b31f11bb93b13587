"""What a form's PDF holds and what continues on its sheets: records without behaviour.

Kept apart so that acroform.py (reading and filling fields) and appearance.py (drawing them and
the continuation sheets) both use them without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Widget:
    page: int  # 0-based page index in the file
    rect: tuple[float, float, float, float]
    on_state: str | None  # checkbox/radio: the non-/Off key of /AP /N, with its slash


@dataclass(frozen=True)
class Field:
    name: str  # fully qualified, e.g. form1[0].#subform[0].Pt1Line2a_FamilyName[0]
    type: str  # text | checkbox | radio | pushbutton | dropdown | listbox | signature
    tooltip: str
    on_states: tuple[str, ...]
    page: int
    rect: tuple[float, float, float, float]
    max_length: int | None = None
    multiline: bool = False
    font_size: float | None = None  # from /DA; 0 means auto-size
    comb: bool = False
    quadding: int = 0
    options: tuple[str, ...] = ()
    widgets: tuple[Widget, ...] = ()
    # Printed rules across the (first) widget, as heights above its bottom edge, top first:
    # multi-line text is written on them (set by ``fill`` from the template's page content).
    rules: tuple[float, ...] = ()


@dataclass(frozen=True)
class ContinuationEntry:
    """Text for the Additional Information part: which Page, Part and Item it continues."""

    part: str
    item: str
    text: str
    page: int | None = None  # 1-based; taken from ``anchor``'s widget when None
    anchor: str | None = None  # a field name on the page the item is printed on


@dataclass(frozen=True)
class Continuation:
    """Where text that does not fit goes, and the header repeated on continuation sheets."""

    a_number: str
    victim_name: str
    agency: str
    # Each block: (page number field, part number field, item number field, text field).
    blocks: tuple[tuple[str, str, str, str], ...]
    refs: Mapping[str, tuple[str, str]]  # field name -> (part, item) it belongs to
    entries: tuple[ContinuationEntry, ...] = ()  # items with no field of their own
    part: str = "7"  # the Additional Information part
    title: str = "Additional Information"
    # Form and edition for the sheets' header; read from the template's footer when empty.
    form: str = ""
