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
        order = sorted(group, key=lambda c: (len(doms[c]), c))
        mine = [r for r in rels if r.cells() & group]

        def ok(values: dict[str, int], mine: list[Relation] = mine) -> bool:
            for r in mine:
                low = high = 0
                for name, coef in r.terms:
                    if name in values:
                        low += coef * values[name]
                        high += coef * values[name]
                    else:
                        a, b = coef * doms[name][0], coef * doms[name][-1]
                        low, high = low + min(a, b), high + max(a, b)
                if low > 0 or (r.op == "==" and high < 0):
                    return False
            return True

        def walk(i: int, values: dict[str, int], order: list[str] = order) -> None:
            if all(len(seen[c]) >= 2 for c in order) or not ok(values):
                return  # enough to say none is determined, or no solution this way
            if i == len(order):
                for c in order:
                    seen[c].add(values[c])
                return
            cell = order[i]
            for v in doms[cell]:
                walk(i + 1, {**values, cell: v})

        walk(0, dict(fixed))
    return seen


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
