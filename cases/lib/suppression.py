"""One small-cell suppression rule for every public figure, and the audit that proves it.

The rule (the annual report's public version under M.G.L. c. 258F s. 4, which may carry no
personal identifying information, and the Sec. 50-105 six-monthly report of the Welcoming
City Ordinance, in every format: page, CSV, PDF):

1. Primary suppression: every published count from 1 to 4 is shown as "<5" (zero is shown).
   A breakdown whose total is shown as "<5" is not broken down: every part of it is shown
   as "<5" too, zeros included, and so on down (a part that is itself a total). There a
   "<5" means 0 to 4: the marks alone can no longer pin the parts (four agencies with one
   request each and a total "<5" would otherwise each read as 1, whatever is withheld).
2. A reader knows every relation between the published figures: a total and its parts, the
   same total in several tables, U + T = together (less the people counted in both), an
   individual counted needs a request counted, the instances listed one by one. Those are
   given as ``Relation``s, with the figures a reader may be assumed to know though they are
   not printed (``context``, e.g. how many people were in both U and T: nearly always 0).
3. The audit: for every hidden cell, the values consistent with every shown figure and every
   relation, where a "<5" cell is 1 to 4 and a "*" cell is 0 or 5 and more (a reader who
   knows the rule knows a "*" is not 1 to 4). A "<5" cell is exposed when fewer than two
   values remain; a "*" cell, never 1 to 4, can at worst be pinned to a count that could
   have been printed.
4. Complementary suppression: while some "<5" cell is exposed (the first by name), one
   more cell is hidden as "*": among the shown cells in a relation with it
   (other cells of its row, column or linked total, or the total itself), the smallest
   non-zero count, then a zero, then any shown cell, ties by name. Cells named in ``never``
   (the grand total of a report) are hidden by this step only when nothing else would do.

Deterministic: the same figures give the same cells hidden. Pure functions: no Django.
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
    whole: str | None = None  # a breakdown (see ``total``): the total of its parts

    def parts(self) -> list[str]:
        return [name for name, _ in self.terms if name != self.whole] if self.whole else []

    def cells(self) -> set[str]:
        return {name for name, _ in self.terms}


def total(whole: str, parts: Iterable[str]) -> Relation:
    """whole = sum(parts): a breakdown, printed as a total and its parts (rule 1: when the
    total is "<5", so is every part)."""
    return Relation(((whole, 1), *((p, -1) for p in parts)), "==", whole)


def at_most(small: str, large: str) -> Relation:
    return Relation(((small, 1), (large, -1)), "<=")


def at_most_sum(whole: str, parts: Iterable[str]) -> Relation:
    return Relation(((whole, 1), *((p, -1) for p in parts)), "<=")


def union_total(together: str, first: str, second: str, both: str) -> Relation:
    """together = first + second - both (people counted in each of two groups)."""
    return Relation(((together, 1), (first, -1), (second, -1), (both, 1)), "==")


def not_broken_down(marked: Iterable[str], relations: list[Relation]) -> set[str]:
    """The parts of every breakdown whose total is among ``marked`` (shown as "<5"), and so
    on down: each is shown as "<5" whatever its count (0 to 4: a part is at most its total)."""
    small, parts = set(marked), set[str]()
    changed = True
    while changed:
        changed = False
        for rel in relations:
            if rel.whole in small:
                new = set(rel.parts()) - parts
                if new:
                    parts |= new
                    small |= new
                    changed = True
    return parts


def marked_small(
    values: Mapping[str, int], relations: list[Relation], unprinted: Iterable[str] = ()
) -> set[str]:
    """Every cell shown as "<5" (rule 1): the counts of 1 to 4, and every part of a
    breakdown whose total is shown as "<5"."""
    skip = set(unprinted)
    primary = {c for c, v in values.items() if LOW <= v <= HIGH and c not in skip}
    return primary | (not_broken_down(primary, relations) - skip)


Domain = list[int]


def domains(
    values: Mapping[str, int],
    hidden: set[str],
    primary: set[str],
    open_cells: Iterable[str] = (),
) -> dict[str, Domain]:
    """What a reader knows of each hidden cell: 1-4 when shown as "<5" (0-4 for the parts of
    a breakdown whose total is "<5", ``open_cells``); 0 or 5 and more up
    to a cap when shown as "*" (a "*" is never 1-4, or it would read "<5"). A reader knows no
    cap: every cap leaves out solutions a reader must allow, so a cell that is not pinned
    under the cap is not pinned at all (the check can only over-protect). The cap leaves every
    true value room to move by more than a "<5" can."""
    cap = max([*values.values(), HIGH]) + 2 * HIGH
    wide = [0, *range(HIGH + 1, cap + 1)]
    zero_to_high = set(open_cells)
    return {
        c: list(range(0 if c in zero_to_high else LOW, HIGH + 1)) if c in primary else wide
        for c in hidden
    }


def _bounds(rel: Relation, fixed: Mapping[str, int], dom: Mapping[str, Domain]) -> tuple[int, int]:
    low = high = 0
    for name, coef in rel.terms:
        if name in fixed:
            low += coef * fixed[name]
            high += coef * fixed[name]
        else:
            a, b = coef * dom[name][0], coef * dom[name][-1]
            low, high = low + min(a, b), high + max(a, b)
    return low, high


def _narrow(
    dom: dict[str, Domain], relations: list[Relation], assigned: Mapping[str, int]
) -> dict[str, Domain] | None:
    """Bounds propagation: drop from each free cell the values no relation allows given the
    bounds of the others; None when some cell has no value left."""
    dom = {c: d for c, d in dom.items() if c not in assigned}
    changed = True
    while changed:
        changed = False
        for rel in relations:
            low, high = _bounds(rel, assigned, dom)
            if low > 0 or (rel.op == "==" and high < 0):
                return None
            for name, coef in rel.terms:
                if name in assigned:
                    continue
                d = dom[name]
                a, b = coef * d[0], coef * d[-1]
                rest_low, rest_high = low - min(a, b), high - max(a, b)
                # rest + coef * v <= 0 always; == 0 also needs rest + coef * v >= 0
                keep = [
                    v
                    for v in d
                    if rest_low + coef * v <= 0 and (rel.op != "==" or rest_high + coef * v >= 0)
                ]
                if not keep:
                    return None
                if len(keep) < len(d):
                    dom[name] = keep
                    changed = True
                    low, high = _bounds(rel, assigned, dom)
    return dom


def feasible(
    known: Mapping[str, int],
    dom: Mapping[str, Domain],
    relations: list[Relation],
    fixed: Mapping[str, int],
) -> bool:
    """Is there a value for every hidden cell consistent with the relations?"""
    assigned = {**known, **fixed}
    narrowed = _narrow(dict(dom), relations, assigned)
    if narrowed is None:
        return False
    if not narrowed:
        return True
    cell = min(narrowed, key=lambda c: (len(narrowed[c]), c))
    if len(narrowed[cell]) == 1 and all(len(d) == 1 for d in narrowed.values()):
        single = {c: d[0] for c, d in narrowed.items()}
        return _narrow({}, relations, {**assigned, **single}) is not None
    return any(
        feasible(known, {**narrowed, cell: [v]}, relations, {**fixed, cell: v})
        for v in narrowed[cell]
    )


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
    *,
    limit: int | None = None,
) -> list[int]:
    """Every value of a hidden ``cell`` consistent with what is published (the first
    ``limit`` of them when given: two are enough to say it is not determined)."""
    cells, rels = component(cell, hidden, relations)
    known = {k: v for k, v in values.items() if k not in hidden}
    dom = domains(values, cells, primary, not_broken_down(primary & hidden, relations))
    # the published figures' own values are one solution: try them first
    found: list[int] = [values[cell]] if values[cell] in dom[cell] else []
    if limit is not None and len(found) >= limit:
        return found
    for v in [v for v in dom[cell] if v not in found]:
        if feasible(known, dom, rels, {cell: v}):
            found.append(v)
            if limit is not None and len(found) >= limit:
                break
    return sorted(found)


def derivable(
    values: Mapping[str, int], hidden: set[str], primary: set[str], relations: list[Relation]
) -> list[str]:
    """The "<5" cells of 1 to 4 a reader could pin to one value. (A "*" cell pinned gives
    away only a count that could have been printed: 0, or 5 and more; so does a "<5" zero.)"""
    return [
        c
        for c in sorted(primary & hidden)
        if LOW <= values[c] <= HIGH
        and len(possible_values(values, hidden, primary, relations, c, limit=2)) < 2
    ]


def suppress(
    values: Mapping[str, int],
    relations: list[Relation],
    *,
    context: Iterable[str] = (),
    never: Iterable[str] = (),
) -> tuple[set[str], set[str]]:
    """(primary, complementary): the cells shown as "<5" (the counts of 1 to 4 and the parts
    of a breakdown whose total is "<5") and those withheld as "*" so that no count of 1 to 4
    can be pinned from the rest (see the module's rule). ``context`` cells are known to the
    reader but not printed (never hidden, never "<5"); ``never`` cells are hidden as
    complements only as a last resort."""
    unprinted, keep = set(context), set(never)
    primary = marked_small(values, relations, unprinted)
    hidden = set(primary)
    while True:
        exposed = derivable(values, hidden, primary, relations)
        if not exposed:
            return primary, hidden - primary
        choice = _complement(exposed, values, hidden, relations, unprinted, keep)
        if choice is None:  # nothing tied to an exposed cell is left to hide
            return primary, hidden - primary
        hidden.add(choice)


def _complement(
    exposed: list[str],
    values: Mapping[str, int],
    hidden: set[str],
    relations: list[Relation],
    unprinted: set[str],
    keep: set[str],
) -> str | None:
    """The next cell to hide for the first exposed cell that has one: in its own relations,
    then in those of the hidden cells tied to it; the ``never`` cells only when nothing else
    is left (privacy comes before showing the total)."""
    for allow_kept in (False, True):
        for cell in exposed:
            _linked, rels = component(cell, hidden, relations)
            direct = [r for r in rels if cell in r.cells()]
            for scope in (direct, rels):
                around = {c for r in scope for c in r.cells()}
                blocked = hidden | unprinted | (set() if allow_kept else keep)
                candidates = sorted(
                    (c for c in around if c in values and c not in blocked),
                    key=lambda c: (values[c] == 0, values[c], c),
                )
                if candidates:
                    return candidates[0]
    return None
