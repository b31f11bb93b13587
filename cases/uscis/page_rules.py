"""What a form's page prints under its fields: the writing rules, and the form's own name.

USCIS's Form I-918 Supplement B prints ruled lines 18 pt apart inside its multi-line boxes
(Part 3 items 4.b to 7, Part 4, Part 7), drawn as ``m``/``l``/``S`` strokes under a ``cm``; other
files draw them as thin filled rectangles. ``rules_in`` finds those inside a widget's rectangle so
that text can be written on them. Only pypdf; no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pypdf.generic import ContentStream

THIN = 1.5  # a filled or stroked rectangle at most this high is a rule, not a box
LEVEL = 0.05  # how far the two ends of a rule may differ in height

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Rule:
    """A horizontal rule in page space: from x0 to x1 at height y."""

    x0: float
    x1: float
    y: float


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n, as PDF concatenates matrices (``cm`` m on a CTM n gives m x n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _level(m: Matrix, p: tuple[float, float], q: tuple[float, float]) -> Rule | None:
    (x0, y0), (x1, y1) = _apply(m, *p), _apply(m, *q)
    if abs(y0 - y1) > LEVEL or abs(x1 - x0) < 1:
        return None
    return Rule(min(x0, x1), max(x0, x1), (y0 + y1) / 2)


def page_rules(page: Any) -> list[Rule]:
    """Every horizontal stroke and thin filled bar the page's own content draws.

    Follows ``q``/``Q``/``cm``; a segment counts when it is stroked (``S``) or a thin rectangle
    when it is filled or stroked. Text, images and Form XObjects are not looked into.
    """
    contents = page.get_contents()
    if contents is None:
        return []
    ctm = IDENTITY
    stack: list[Matrix] = []
    path: list[Rule] = []
    start: tuple[float, float] | None = None
    current: tuple[float, float] | None = None
    found: list[Rule] = []
    for operands, op in ContentStream(contents, page.pdf).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop() if stack else IDENTITY
        elif op == b"cm" and len(operands) == 6:
            ctm = _multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        elif op == b"m" and len(operands) == 2:
            start = current = (float(operands[0]), float(operands[1]))
        elif op == b"l" and len(operands) == 2 and current is not None:
            point = (float(operands[0]), float(operands[1]))
            rule = _level(ctm, current, point)
            if rule:
                path.append(rule)
            current = point
        elif op == b"h" and start is not None and current is not None:
            current = start
        elif op == b"re" and len(operands) == 4:
            x, y, w, h = (float(v) for v in operands)
            if abs(h) <= THIN and abs(w) >= 1:
                rule = _level(ctm, (x, y + h / 2), (x + w, y + h / 2))
                if rule:
                    path.append(rule)
        elif op in (b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"):
            found += path
            path, start, current = [], None, None
        elif op == b"n":
            path, start, current = [], None, None
    return found


def rules_in(
    rules: list[Rule], rect: tuple[float, float, float, float], overlap: float = 0.6
) -> tuple[float, ...]:
    """Heights of the rules across ``rect`` (from its bottom edge, top first).

    A rule counts when it spans at least ``overlap`` of the box's width and lies between the
    bottom edge (a rule drawn on it counts) and the top edge (one drawn on it does not: no text
    can stand on it inside the box). Rules less than a point apart are one.
    """
    x0, y0, x1, y1 = rect
    width = x1 - x0
    heights: list[float] = []
    for rule in rules:
        shared = min(rule.x1, x1) - max(rule.x0, x0)
        if width <= 0 or shared < overlap * width:
            continue
        if y0 - 1.0 <= rule.y < y1 - 1.0:
            heights.append(max(0.0, rule.y - y0))
    merged: list[float] = []
    for h in sorted(heights, reverse=True):
        if not merged or merged[-1] - h >= 1.0:
            merged.append(h)
    return tuple(merged)


# "Form I-918 Supplement B   02/07/17   N", "Form I-914, Supplement B 02/27/17 Y",
# "Form I-918 Supplement B Edition 01/20/25"
_FORM_NAME = re.compile(
    r"Form\s+(I-\d+[A-Z]?)(?:,?\s+(Supplement\s+[A-Z]))?\s+(?:Edition\s+)?(\d\d/\d\d/\d\d)"
)


def form_name(page: Any) -> str:
    """The form and edition a page's footer names: "Form I-918 Supplement B, Edition 02/07/17"."""
    try:
        text = page.extract_text() or ""
    except Exception:  # a footer that cannot be read leaves the name out
        return ""
    match = _FORM_NAME.search(" ".join(text.split()))
    if not match:
        return ""
    form = " ".join(p for p in (match.group(1), match.group(2)) if p)
    return f"Form {form}, Edition {match.group(3)}"
