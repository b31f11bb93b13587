"""An attacker's solver, written apart from the rule it checks: from the published cells
("<5" is 1 to 4, "*" is 0 or 5 and more, a number is itself), the figures a reader knows
without their being printed, and the relations between them, every value each hidden cell
can take. Plain backtracking with bound checks, one linked group of hidden cells at a time."""

from __future__ import annotations

from collections.abc import Mapping

from cases.lib.suppression import Relation


def domain(text: str, cap: int) -> list[int]:
    if text == "<5":
        return [1, 2, 3, 4]
    if text == "*":
        return [0, *range(5, cap + 1)]
    return [int(text)]


def ranges(
    shown: Mapping[str, str], relations: list[Relation], known: Mapping[str, int] = {}
) -> dict[str, set[int]]:
    """Hidden cell -> every value consistent with everything shown and known."""
    numbers = [int(v) for v in shown.values() if v not in ("<5", "*")] + list(known.values())
    cap = max([*numbers, 5]) + 8  # above any true value of the tables tried
    fixed = {k: int(v) for k, v in shown.items() if v not in ("<5", "*")} | dict(known)
    hidden = sorted(k for k in shown if k not in fixed)
    doms = {h: domain(shown[h], cap) for h in hidden}
    rels = [r for r in relations if r.cells() <= set(fixed) | set(hidden)]
    # linked groups of hidden cells
    groups: list[set[str]] = []
    for h in hidden:
        linked = {h} | {c for r in rels if h in r.cells() for c in r.cells() if c in doms}
        for g in [g for g in groups if g & linked]:
            groups.remove(g)
            linked |= g
        groups.append(linked)
    seen: dict[str, set[int]] = {h: set() for h in hidden}
    for group in groups:
        mine = [r for r in rels if r.cells() & group]
        by_cell = {c: [r for r in mine if c in r.cells()] for c in group}
        # Every value a cell can take: one solution, then for each cell still seen with a
        # single value a solution that gives it another, as long as one exists.
        for cell in [None, *sorted(group)]:
            if cell is not None and len(seen[cell]) >= 2:
                continue
            order = sorted(group - {cell}, key=lambda c: (len(doms[c]), c))
            if cell is not None:
                order.insert(0, cell)
            found = _solution(order, doms, by_cell, fixed, cell, seen.get(cell, set()))
            if found is None:
                continue  # the cell's only value is the one seen
            for c in group:
                seen[c].add(found[c])
    return seen


def _solution(
    order: list[str],
    doms: Mapping[str, list[int]],
    by_cell: Mapping[str, list[Relation]],
    fixed: Mapping[str, int],
    other_than_cell: str | None,
    other_than: set[int],
) -> dict[str, int] | None:
    """One assignment of the group's hidden cells meeting every relation (the first cell, if
    named, avoiding the values already seen), or None. Depth first; after each assignment the
    relations on that cell are checked on bounds (the unassigned cells at their extremes)."""
    values: dict[str, int] = dict(fixed)

    def holds(r: Relation) -> bool:
        low = high = 0
        for name, coef in r.terms:
            if name in values:
                low += coef * values[name]
                high += coef * values[name]
            else:
                a, b = coef * doms[name][0], coef * doms[name][-1]
                low, high = low + min(a, b), high + max(a, b)
        return not (low > 0 or (r.op == "==" and high < 0))

    def walk(i: int) -> bool:
        if i == len(order):
            return True
        cell = order[i]
        for v in doms[cell]:
            if cell == other_than_cell and v in other_than:
                continue
            values[cell] = v
            if all(holds(r) for r in by_cell[cell]) and walk(i + 1):
                return True
        del values[cell]
        return False

    if not walk(0):
        return None
    return {c: values[c] for c in order}


def recovered(
    shown: Mapping[str, str], relations: list[Relation], known: Mapping[str, int] = {}
) -> list[str]:
    """The "<5" cells the solver pins to a single value."""
    seen = ranges(shown, relations, known)
    return sorted(c for c, vs in seen.items() if shown[c] == "<5" and len(vs) < 2)


def pinned_withheld(
    shown: Mapping[str, str], relations: list[Relation], known: Mapping[str, int] = {}
) -> dict[str, int]:
    """The "*" cells pinned to one value (never 1 to 4: a count that could be printed)."""
    seen = ranges(shown, relations, known)
    return {c: min(vs) for c, vs in seen.items() if shown[c] == "*" and len(vs) == 1}
