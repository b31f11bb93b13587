"""Mapping a loaded Supplement B file to the form map by what its tooltips say.

USCIS names most fields after nothing they hold (the I-914B of 02/27/17 calls sixteen text boxes
``GivenNameFirstName[0..15]``); only a field's tooltip says what it asks ("Part B. Agency
Information. Agency Type. Select Local."). So every box the form map fills (a *slot*) is matched
to the file's field whose tooltip names the slot's Part and item and says its words; the field's
name is only a hint, used to break a tie. What each slot expects is data in the field map
(``TOOLTIPS``, ``CHOICE_TOOLTIPS``, ``CATEGORY_TOOLTIP`` of cases/uscis/i918b_fields.py and
i914b_fields.py): a new item with its expected words is matched with no change here.

How sure a match is:

- ``tooltip``: the tooltip names the Part and item and says the words;
- ``words``: it says the words under another Part or item number (a renumbered edition), and no
  other free field does; ``words+hint``: several do, and the one with the map's field name wins;
- ``name``: the slot expects no words and the file has a field of the map's name;
- ``hand``: an administrator chose the field (``assign``).

A field whose tooltip names the slot's Part and item but says something else contradicts the
map (a file whose I-918B Part 4 item 3 asked "has the victim NOT refused"): the file is refused
naming the item, never answered backwards.

No Django here: the caller (cases/documents/official.py) stores the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from cases.uscis.acroform import label_choices, normalise
from cases.uscis.i918b_fields import box_label, expected_tooltips
from cases.uscis.pdf_fields import Field

Ref = tuple[int, str]

TOOLTIP = "tooltip"
WORDS = "words"
WORDS_HINT = "words+hint"
NAME = "name"
HAND = "hand"
HOW_SAID = {
    TOOLTIP: "Part, item and words in the tooltip",
    WORDS: "the item's words in the tooltip (another Part or item number)",
    WORDS_HINT: "the item's words in the tooltip, and the field's name",
    NAME: "the field's name (the map expects no words)",
    HAND: "chosen by an administrator",
}
TEXT_TYPES = ("text", "dropdown", "listbox")
BOX_TYPES = ("checkbox", "radio")


class MatchRefused(ValueError):
    """The file contradicts the form map, or an administrator's choice cannot be used."""


@dataclass(frozen=True)
class Slot:
    """One box the form map fills: a text field, or one option of a choice or category item."""

    key: str  # the field map's own name for a text slot; "part|item|option" for a box
    ref: Ref | None
    label: str  # "Part 2 item 5.f", "Part 2 item 7: Federal"
    expected: str  # "Part N | item | words ... words", or "" (matched by name only)
    kind: str  # text | option | category
    required: bool
    hint: str = ""  # the field map's name for it (text slots), a tie-breaker only


@dataclass
class SlotMatch:
    slot: Slot
    field: str = ""
    how: str = ""
    tooltip: str = ""
    by: str = ""  # who chose it (hand)
    candidates: tuple[str, ...] = ()  # fields that say the words, when none could be chosen


@dataclass
class MatchReport:
    matches: list[SlotMatch]
    unclaimed: list[Field]
    contradictions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # boxes naming no option, etc.

    @property
    def matched(self) -> list[SlotMatch]:
        return [m for m in self.matches if m.field]

    @property
    def unmatched(self) -> list[SlotMatch]:
        return [m for m in self.matches if not m.field]

    def required_unmatched(self) -> list[SlotMatch]:
        """Required slots with no field: a required text item's field, every category of
        Part 3 item 1 (a request may name any), and one box of a required choice item (an
        edition may offer fewer options: the I-914B of 02/27/17 has no "Tribal")."""
        have = {m.slot.ref for m in self.matched if m.slot.kind == "option"}
        result = []
        for m in self.unmatched:
            if not m.slot.required:
                continue
            if m.slot.kind == "option" and m.slot.ref in have:
                continue
            result.append(m)
        return result

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {how: 0 for how in HOW_SAID}
        for m in self.matched:
            found[m.how] += 1
        return {
            "slots": len(self.matches),
            "by_tooltip": found[TOOLTIP] + found[WORDS] + found[WORDS_HINT] + found[NAME],
            "by_hand": found[HAND],
            "unmatched": len(self.unmatched),
            "required_unmatched": len(self.required_unmatched()),
            "unclaimed_fields": len(self.unclaimed),
            **{f"how_{how}": count for how, count in found.items()},
        }

    def mapping(self) -> dict[str, str]:
        """{slot key: field name} of every matched slot."""
        return {m.slot.key: m.field for m in self.matched}

    def describe(self) -> str:
        c = self.counts()
        lines = [
            f"{c['slots']} boxes of the form map: {c['by_tooltip']} matched by tooltip "
            f"({c['how_tooltip']} by Part, item and words; {c['how_words']} by words; "
            f"{c['how_words+hint']} by words and name; {c['how_name']} by name), "
            f"{c['by_hand']} by hand, {c['unmatched']} unmatched "
            f"({c['required_unmatched']} required); {c['unclaimed_fields']} fields of the file "
            "claimed by no item."
        ]
        for m in self.matches:
            if m.field:
                lines.append(f"  {m.slot.label}: {m.field} [{m.how}] {m.tooltip!r}")
        for m in self.unmatched:
            need = "REQUIRED" if m in self.required_unmatched() else "optional"
            maybe = f" (candidates: {', '.join(m.candidates)})" if m.candidates else ""
            lines.append(f"  NO FIELD ({need}): {m.slot.label}{maybe}")
        lines += [
            f"  unclaimed: {f.name} (page {f.page + 1}) {f.tooltip!r}" for f in self.unclaimed
        ]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


# --- what the field map expects ---


def slots(
    spec: ModuleType, required_refs: Iterable[Ref], categories: Mapping[str, str]
) -> list[Slot]:
    """Every box ``spec`` fills, in form order, with the words its tooltip must say.

    ``required_refs`` are the items the form map requires (their first field, and at least one
    box of a choice or category item, must be matched before the file can be used);
    ``categories`` {code: label} are Part 3 item 1's boxes."""
    required = set(required_refs)
    expected = expected_tooltips(spec)
    result: list[Slot] = []
    seen: set[str] = set()

    def text(name: str, ref: Ref | None, label: str, needed: bool) -> None:
        if name in seen:
            return
        seen.add(name)
        said = expected.get(name, (None, ""))[1]
        result.append(Slot(name, ref, label, said, "text", needed, hint=name))

    for ref, names in spec.TEXT_FIELDS.items():
        text(names[0], ref, f"Part {ref[0]} item {ref[1]}", ref in required)
        for copy in names[1:]:
            text(copy, ref, f"Part {ref[0]} item {ref[1]} (repeated on the additional page)", False)
    for ref, options in spec.CHOICE_OPTIONS.items():
        for option in options:
            result.append(
                Slot(
                    f"{ref[0]}|{ref[1]}|{option}",
                    ref,
                    f"Part {ref[0]} item {ref[1]}: {option}",
                    getattr(spec, "CHOICE_TOOLTIPS", {}).get(ref, ""),
                    "option",
                    ref in required,
                )
            )
    cat = spec.CATEGORY_ITEM
    for code, name in categories.items():
        result.append(
            Slot(
                f"{cat[0]}|{cat[1]}|{code}",
                cat,
                f"Part {cat[0]} item {cat[1]}: {name}",
                getattr(spec, "CATEGORY_TOOLTIP", ""),
                "category",
                cat in required,
            )
        )
    rows_part = spec.ROWS_ITEM[0]
    for line, row in zip(spec.ROW_LINES, spec.ROW_FIELDS, strict=True):
        for name in row:
            column = name.rsplit("_", 1)[-1].split("[")[0]
            text(name, (rows_part, str(line)), f"Part {rows_part} item {line} {column}", False)
    for index, block in enumerate(spec.PART7_BLOCKS, start=1):
        for name in block:
            column = name.rsplit("_", 1)[-1].split("[")[0]
            text(name, None, f"Additional information block {index} {column}", False)
    for ref, name in spec.INK_ONLY_ITEMS.items():
        text(name, ref, f"Part {ref[0]} item {ref[1]} (written in ink, never filled)", False)
    return result


# --- reading a tooltip ---


def _find(words: list[str], phrase: list[str], start: int = 0) -> int | None:
    n = len(phrase)
    if n == 0:
        return start
    return next((i for i in range(start, len(words) - n + 1) if words[i : i + n] == phrase), None)


def reading(tooltip: str, expected: str) -> tuple[bool, bool]:
    """(names the expected Part and item, says the expected words in order)."""
    part, item, words = expected.split(" | ", 2)
    said = normalise(tooltip).split()
    part_words = normalise(part).split()
    at = _find(said, part_words)
    names = (
        at is not None and _find(said, normalise(item).split(), at + len(part_words)) is not None
    )
    position: int | None = 0
    for phrase in words.split(" ... "):
        wanted = normalise(phrase).split()
        position = _find(said, wanted, position or 0)
        if position is None:
            return names, False
        position += len(wanted)
    return names, True


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _hinted(fields: Sequence[Field], hint: str) -> Field | None:
    """The field of the map's name, else the only one with its last segment (the subform
    numbers move between editions: I-918B 02/07/17 ``#subform[2]`` is 01/20/25 ``#subform[1]``)."""
    if not hint:
        return None
    exact = [f for f in fields if f.name == hint]
    if exact:
        return exact[0]
    short = [f for f in fields if _short(f.name) == _short(hint)]
    return short[0] if len(short) == 1 else None


def _contradiction(slot: Slot, found: Field) -> str:
    return (
        f"{slot.label} (field {found.name}): the tooltip says {found.tooltip!r}; "
        f"this item needs {slot.expected.replace(' | ', ', ')!r}"
    )


# --- matching ---


def _match_text(slot: Slot, free: list[Field], every: Sequence[Field]) -> SlotMatch | str:
    """The slot's match, or a contradiction in words."""
    if not slot.expected:
        hinted = _hinted(free, slot.hint)
        if hinted is not None and hinted.name == slot.hint:
            return SlotMatch(slot, hinted.name, NAME, hinted.tooltip)
        return SlotMatch(slot)
    read = {f.name: reading(f.tooltip, slot.expected) for f in free}
    exact = [f for f in free if read[f.name] == (True, True)]
    if exact:
        hinted = _hinted(exact, slot.hint)
        chosen = hinted or exact[0]
        return SlotMatch(slot, chosen.name, TOOLTIP, chosen.tooltip)
    hinted = _hinted(every, slot.hint)
    if hinted is not None:
        names, says = reading(hinted.tooltip, slot.expected)
        if names and not says:
            return _contradiction(slot, hinted)
    words = [f for f in free if read[f.name][1]]
    if len(words) == 1:
        return SlotMatch(slot, words[0].name, WORDS, words[0].tooltip)
    hinted = _hinted(words, slot.hint)
    if hinted is not None:
        return SlotMatch(slot, hinted.name, WORDS_HINT, hinted.tooltip)
    return SlotMatch(slot, candidates=tuple(f.name for f in words))


def _question_boxes(expected: str, free: list[Field], hints: Sequence[str]) -> tuple[list, str]:
    """The free boxes that ask the item's question: by Part, item and words, else by words,
    else (no words expected, or none said) the boxes of the map's names."""
    if expected:
        read = {f.name: reading(f.tooltip, expected) for f in free}
        exact = [f for f in free if read[f.name] == (True, True)]
        if exact:
            return exact, TOOLTIP
        words = [f for f in free if read[f.name][1]]
        if words:
            return words, WORDS
    named = [f for f in free if f.name in set(hints)]
    return named, NAME


def _label_boxes(
    boxes: Sequence[Field], labels: Mapping[str, str], on_states: bool
) -> tuple[dict[str, Field], list[str]]:
    """{label key: box} for the boxes whose "Select ..." words name exactly one label (or,
    for choice items, whose on-state is the option); notes on boxes naming none."""
    result: dict[str, Field] = {}
    notes = []
    wanted = {key: normalise(text).split() for key, text in labels.items()}
    for box in boxes:
        choice = label_choices(box_label(box).tooltip, wanted)
        if len(choice) == 1 and choice[0] not in result:
            result[choice[0]] = box
        else:
            notes.append(f"box {box.name} ({box.tooltip!r}) names no single option")
    if on_states:
        for key, text in labels.items():
            if key in result:
                continue
            target = normalise(text).replace(" ", "")
            hits = [
                b
                for b in boxes
                if b not in result.values()
                and any(normalise(s.lstrip("/")).replace(" ", "") == target for s in b.on_states)
            ]
            if len(hits) == 1:
                result[key] = hits[0]
    named = {b.name for b in result.values()}
    notes = [n for n in notes if n.split(" ", 2)[1] not in named]
    return result, notes


def match(
    inventory: Iterable[Field],
    spec: ModuleType,
    required_refs: Iterable[Ref],
    categories: Mapping[str, str],
    assigned: Mapping[str, tuple[str, str]] | None = None,
) -> MatchReport:
    """Every slot of ``spec`` matched to a field of the file; ``assigned`` {slot key: (field
    name, who)} are an administrator's choices, kept over what the tooltips say.

    Raises ``MatchRefused`` when a tooltip contradicts the map or a choice names no field of
    the file (or a field of the wrong kind, or one another choice holds)."""
    every = list(inventory)
    by_name = {f.name: f for f in every}
    all_slots = slots(spec, required_refs, categories)
    keys = {s.key: s for s in all_slots}
    matches: dict[str, SlotMatch] = {}
    claimed: set[str] = set()
    problems: list[str] = []
    for key, (name, who) in (assigned or {}).items():
        slot = keys.get(key)
        if slot is None:
            problems.append(f"{key!r} is not an item of the form map")
            continue
        found = by_name.get(name)
        if found is None:
            problems.append(f"{slot.label}: the file has no field {name!r}")
            continue
        if (found.type in BOX_TYPES) != (slot.kind != "text"):
            problems.append(f"{slot.label}: {name} is a {found.type} field")
            continue
        # One box may stand for several categories (the I-914B of 02/27/17 has one box for
        # labour trafficking), never for two options of a choice.
        if slot.kind == "option" and name in claimed:
            problems.append(f"{slot.label}: box {name} already answers another option")
            continue
        matches[key] = SlotMatch(slot, name, HAND, found.tooltip, by=who)
        claimed.add(name)
    if problems:
        raise MatchRefused("These choices cannot be used:\n" + "\n".join(problems))

    contradictions: list[str] = []
    notes: list[str] = []
    texts = [f for f in every if f.type in TEXT_TYPES]
    for slot in all_slots:
        if slot.kind != "text" or slot.key in matches:
            continue
        result = _match_text(slot, [f for f in texts if f.name not in claimed], texts)
        if isinstance(result, str):
            contradictions.append(result)
            continue
        matches[slot.key] = result
        if result.field:
            claimed.add(result.field)

    boxes = [f for f in every if f.type in BOX_TYPES]
    groups: dict[tuple[Ref | None, str], list[Slot]] = {}
    for slot in all_slots:
        if slot.kind != "text":
            groups.setdefault((slot.ref, slot.kind), []).append(slot)
    for (ref, kind), members in groups.items():
        free = [f for f in boxes if f.name not in claimed]
        hints = spec.CATEGORY_FIELDS if kind == "category" else spec.CHOICE_FIELDS.get(ref, ())
        asking, how = _question_boxes(members[0].expected, free, hints)
        # With the question's words, a choice box that names the Part and item but asks
        # otherwise contradicts the map (its name is the hint); a category box is read by the
        # crime it names.
        if kind == "option" and members[0].expected:
            for hint in hints:
                hinted = _hinted(boxes, hint)
                if hinted is not None:
                    names, says = reading(hinted.tooltip, members[0].expected)
                    if names and not says:
                        contradictions.append(_contradiction(members[0], hinted))
                        break
        open_slots = [s for s in members if s.key not in matches]
        labels = {s.key: s.label.split(": ", 1)[1] for s in open_slots}
        found_boxes, box_notes = _label_boxes(asking, labels, on_states=kind == "option")
        notes += [f"Part {ref[0]} item {ref[1]}: {n}" for n in box_notes] if ref else box_notes
        for slot in members:
            if slot.key in matches:
                continue
            box = found_boxes.get(slot.key)
            if box is None:
                matches[slot.key] = SlotMatch(slot, candidates=tuple(b.name for b in asking))
                continue
            matches[slot.key] = SlotMatch(slot, box.name, how, box.tooltip)
            claimed.add(box.name)

    unclaimed = [f for f in every if f.name not in claimed and f.type != "pushbutton"]
    return MatchReport(
        matches=[matches[s.key] for s in all_slots if s.key in matches],
        unclaimed=unclaimed,
        contradictions=contradictions,
        notes=notes,
    )


def parse_assignment(text: str, all_slots: Sequence[Slot], fields: Sequence[Field]) -> tuple:
    """("Part C item 9=GivenNameFirstName[7]") -> (slot key, field name).

    The left side is a slot's label or key (case and spacing aside); the right side a field's
    full name or its last segment when only one field ends so."""
    left, sep, right = text.partition("=")
    if not sep:
        raise MatchRefused(f"{text!r}: write ITEM=FIELD")
    wanted = normalise(left)
    slot = next(
        (s for s in all_slots if normalise(s.label) == wanted or normalise(s.key) == wanted),
        None,
    )
    if slot is None:
        raise MatchRefused(f"{left.strip()!r} is not an item of the form map")
    right = right.strip()
    exact = [f.name for f in fields if f.name == right]
    ends = [f.name for f in fields if f.name.endswith("." + right) or _short(f.name) == right]
    names = exact or ends
    if len(names) != 1:
        found = "no field" if not names else f"{len(names)} fields"
        raise MatchRefused(f"{right!r}: the file has {found} of that name")
    return slot.key, names[0]


def field_rows(inventory: Iterable[Field]) -> list[dict[str, Any]]:
    """The file's fields as the page lists them: name, type, tooltip, page (1-based), rect."""
    return [
        {"name": f.name, "type": f.type, "tooltip": f.tooltip, "page": f.page + 1, "rect": f.rect}
        for f in inventory
    ]
