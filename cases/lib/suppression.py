"""Small-cell suppression with complementary suppression, and the audit that proves it.

Public statistics hide counts from 1 to 4 (primary suppression). Hiding them is not enough
when the table's totals let a reader work a hidden cell out again (answered 8 minus signed
6 = denied 2). So the table is given with its relations (sums and inequalities), and the
audit asks, for every primary cell, which values are consistent with everything published;
while some primary cell has only one possible value, one more cell of a relation it is in
is hidden (complementary suppression), the smallest first.

Pure functions: no Django, no models.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

LOW, HIGH = 1, 4  # primary suppression: 1 to 4 (zero is shown)


@dataclass(frozen=True)
class Relation:
    """sum(coefficient * cell) == 0, or <= 0, over the cells named."""

    terms: tuple[tuple[str, int], ...]
    op: str = "=="  # or "<="

    def cells(self) -> set[str]:
        return {name for name, _ in self.terms}


def total(whole: str, parts: Iterable[str]) -> Relation:
    """whole = sum(parts)."""
    return Relation(((whole, 1), *((p, -1) for p in parts)), "==")


def at_most(small: str, large: str) -> Relation:
    return Relation(((small, 1), (large, -1)), "<=")


def at_most_sum(whole: str, parts: Iterable[str]) -> Relation:
    return Relation(((whole, 1), *((p, -1) for p in parts)), "<=")


def domains(values: Mapping[str, int], hidden: set[str], primary: set[str]) -> dict[str, range]:
    """What a reader knows of each hidden cell: 1-4 when shown as "<5", else 0 up to a cap
    (a larger cap only adds solutions, so a cap never hides a derivation)."""
    cap = max([v for k, v in values.items() if k not in hidden] + [HIGH]) + HIGH * len(hidden)
    return {c: range(LOW, HIGH + 1) if c in primary else range(0, cap + 1) for c in hidden}


def _bounds(rel: Relation, fixed: Mapping[str, int], dom: Mapping[str, range]) -> tuple[int, int]:
    low = high = 0
    for name, coef in rel.terms:
        if name in fixed:
            low += coef * fixed[name]
            high += coef * fixed[name]
        else:
            a, b = coef * dom[name][0], coef * dom[name][-1]
            low, high = low + min(a, b), high + max(a, b)
    return low, high


def feasible(
    known: Mapping[str, int],
    dom: Mapping[str, range],
    relations: list[Relation],
    fixed: Mapping[str, int],
) -> bool:
    """Is there a value for every hidden cell consistent with the relations?"""
    assigned = {**known, **fixed}
    for rel in relations:
        low, high = _bounds(rel, assigned, dom)
        if low > 0 or (rel.op == "==" and high < 0):
            return False
    free = [c for c in dom if c not in assigned]
    if not free:
        return True
    # Propagate: an equation with one free cell fixes it.
    for rel in relations:
        open_cells = [(n, k) for n, k in rel.terms if n not in assigned]
        if rel.op == "==" and len(open_cells) == 1:
            name, coef = open_cells[0]
            rest = sum(k * assigned[n] for n, k in rel.terms if n in assigned)
            if rest % coef:
                return False
            value = -rest // coef
            if value not in dom[name]:
                return False
            return feasible(known, dom, relations, {**fixed, name: value})
    cell = min(free, key=lambda c: len(dom[c]))
    return any(feasible(known, dom, relations, {**fixed, cell: v}) for v in dom[cell])


def component(
    cell: str, hidden: set[str], relations: list[Relation]
) -> tuple[set[str], list[Relation]]:
    """The hidden cells tied to ``cell`` through relations, and those relations: the rest of
    the table has no bearing on its value."""
    cells, todo = {cell}, [cell]
    while todo:
        current = todo.pop()
        for rel in relations:
            if current in rel.cells():
                for other in rel.cells() & hidden:
                    if other not in cells:
                        cells.add(other)
                        todo.append(other)
    return cells, [r for r in relations if r.cells() & cells]


def possible_values(
    values: Mapping[str, int],
    hidden: set[str],
    primary: set[str],
    relations: list[Relation],
    cell: str,
) -> list[int]:
    """Every value of a hidden ``cell`` consistent with what is published."""
    cells, rels = component(cell, hidden, relations)
    known = {k: v for k, v in values.items() if k not in hidden}
    shown = {k: v for k, v in values.items() if k not in hidden or k in cells}
    dom = domains(shown, cells, primary)
    return [v for v in dom[cell] if feasible(known, dom, rels, {cell: v})]


def derivable(
    values: Mapping[str, int], hidden: set[str], primary: set[str], relations: list[Relation]
) -> list[str]:
    """The primary cells a reader could pin to one value."""
    return [
        c
        for c in sorted(primary)
        if len(possible_values(values, hidden, primary, relations, c)) < 2
    ]


def suppress(values: Mapping[str, int], relations: list[Relation]) -> tuple[set[str], set[str]]:
    """(primary, complementary): the cells to hide so that no count from 1 to 4 can be
    derived from the rest of the table."""
    primary = {c for c, v in values.items() if LOW <= v <= HIGH}
    hidden = set(primary)
    while True:
        exposed = derivable(values, hidden, primary, relations)
        if not exposed:
            return primary, hidden - primary
        cell = exposed[0]
        around = [r for r in relations if cell in r.cells()]
        candidates = sorted(
            {c for r in around for c in r.cells() if c not in hidden}
            or {c for c in values if c not in hidden},
            key=lambda c: (values[c], c),
        )
        if not candidates:  # everything is hidden already
            return primary, hidden - primary
        hidden.add(candidates[0])
