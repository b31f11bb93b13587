"""What stands in the way of certifying, declared once.

The certify step of the state machine (cases/models/requests.py) has two guards, and each reads
its list here: ``form_is_complete`` (no required Supplement B item empty, no attested item
without the department's text: cases/uscis/formmap.py) and ``form_is_consistent`` (no
blocker, every warning acknowledged: cases/consistency.py). The refusal message of the step
and the list the certifying official sees where Certify would be (cases/presentation.py) are
built from the same lists, so the page can never say "ready" while the step refuses.

Pure functions of the request; no model is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cases.consistency import certify_blockers, certify_warnings
from cases.uscis.formmap import UnknownEdition, fill


@dataclass(frozen=True)
class Obstacle:
    # "missing": a required item is empty; "to_adopt": an attested item has no department
    # text; "edition": no form map; "blocker": the form defeats itself; "warning": not yet
    # acknowledged by the certifying official.
    kind: str
    text: str
    part: int | None = None
    number: str = ""
    code: str = ""  # the consistency finding's code
    source: str = ""  # the item's source on the request (cases/uscis/formmap.py)
    attested: bool = False  # the form prints the department's own text of the item


def completeness_obstacles(request: Any) -> list[Obstacle]:
    """The items of Supplement B still empty or without the department's text, in form order."""
    try:
        parts = fill(request)
    except UnknownEdition as exc:
        return [Obstacle("edition", str(exc))]
    found = []
    for _part, items in parts:
        for f in items:
            if f.missing or f.to_adopt:
                found.append(
                    Obstacle(
                        "missing" if f.missing else "to_adopt",
                        f"Part {f.item.part}, Item {f.item.number} ({f.item.label})",
                        part=f.item.part,
                        number=f.item.number,
                        source=f.item.source,
                        attested=f.item.attested,
                    )
                )
    return found


def consistency_obstacles(request: Any) -> list[Obstacle]:
    """The blockers, and the warnings the certifying official has not acknowledged."""
    acknowledged = set(request.acknowledged_warnings or [])
    return [Obstacle("blocker", b.message, code=b.code) for b in certify_blockers(request)] + [
        Obstacle("warning", w.message, code=w.code)
        for w in certify_warnings(request)
        if w.code not in acknowledged
    ]


def form_obstacles(request: Any) -> list[Obstacle]:
    """Everything in the form that the certify guards refuse, in the order to fix it."""
    return completeness_obstacles(request) + consistency_obstacles(request)
