"""The shape of a form map: a Part and its Items (Form I-918 and I-914 Supplement B alike).

Kept apart from cases/uscis/formmap.py so that each form's map (formmap.py for the I-918B,
formmap_i914b.py for the I-914B) builds its Parts from the same two dataclasses without
importing the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

YESNO = ("Yes", "No")


@dataclass(frozen=True)
class Item:
    part: int
    number: str
    label: str
    kind: str  # text | long | date | choice | yesno | checkboxes | rows
    source: str
    required: bool = True
    # (number of another item in the same part, value) that makes this item apply
    condition: tuple[str, str] | None = None
    # Filled by the certify step itself (official, date): not checked before certifying.
    at_signing: bool = False
    empty: str = "N/A"  # what an empty optional answer prints
    options: tuple[str, ...] = ()  # for choice items: the boxes printed
    limit: int = 0  # characters printed in place; the rest continues in Part 7
    # The form prints the department's own text; ``source`` (the requester's) is a proposal.
    attested: bool = False
    # Signature items: who signs in ink ("supervisor": the certifying officer's supervisor,
    # I-914B 02/27/17 Part F); "" for the certifying official.
    signer: str = ""


@dataclass(frozen=True)
class Part:
    number: int
    title: str
    items: tuple[Item, ...] = field(default_factory=tuple)
    owner: str = ""  # who writes the department's text of its attested items
    # The letter the form prints for this Part (I-914B 02/27/17: Parts A-F), or "" where the
    # form numbers its Parts; ``number`` stays the key either way.
    letter: str = ""

    @property
    def name(self) -> str:
        """How the form names the Part: "C" on a lettered form, "3" on a numbered one."""
        return self.letter or str(self.number)
