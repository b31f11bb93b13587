"""An attacker's solver, written apart from the rule it checks: from the published cells
("<5" is 1 to 4, but 0 to 4 as a part of a total shown "<5", which the rule does not break
down; "*" is 0 or 5 and more; a number is itself), the figures a reader knows
without their being printed, and the relations between them, every value each hidden cell
can take (two are enough to say it is not pinned). For each hidden cell and each value it
might take, a search for values of all the other hidden cells that satisfy every relation:
interval pruning of each relation, then branching on the cell with the fewest values left."""

from __future__ import annotations

from collections.abc import Mapping

from cases.lib.suppression import Relation


def domain(text: str, cap: int, *, under_small_total: bool = False) -> list[int]:
    if text == "<5":
        return [0, 1, 2, 3, 4] if under_small_total else [1, 2, 3, 4]
    if text == "*":
        return [0, *range(5, cap + 1)]
    return [int(text)]


def _prune(doms: dict[str, list[int]], rels: list[Relation]) -> bool:
    """Narrow every domain to the values some choice of the others allows, relation by
    relation, until nothing changes; False when a domain empties."""
    changed = True
    while changed:
        changed = False
        for r in rels:
            spans = [(coef * doms[n][0], coef * doms[n][-1]) for n, coef in r.terms]
            low = sum(min(a, b) for a, b in spans)
            high = sum(max(a, b) for a, b in spans)
            if low > 0 or (r.op == "==" and high < 0):
                return False
            for (name, coef), (a, b) in zip(r.terms, spans, strict=True):
                d = doms[name]
                if len(d) == 1:
                    continue
                others_low, others_high = low - min(a, b), high - max(a, b)
                kept = [
                    v
                    for v in d
                    if others_low + coef * v <= 0 and (r.op == "<=" or others_high + coef * v >= 0)
                ]
                if not kept:
                    return False
                if len(kept) < len(d):
                    doms[name] = kept
                    changed = True
                    break  # the spans changed: start this relation again next round
    return True


def _solvable(doms: dict[str, list[int]], rels: list[Relation]) -> bool:
    doms = dict(doms)
    if not _prune(doms, rels):
        return False
    open_cells = [c for c, d in doms.items() if len(d) > 1]
    if not open_cells:
        return True
    cell = min(open_cells, key=lambda c: (len(doms[c]), c))
    return any(_solvable({**doms, cell: [v]}, rels) for v in doms[cell])


def ranges(
    shown: Mapping[str, str], relations: list[Relation], known: Mapping[str, int] = {}
) -> dict[str, set[int]]:
    """Hidden cell -> values consistent with everything shown and known (at most two found
    per cell: enough to say it is not pinned; one means it is)."""
    numbers = [int(v) for v in shown.values() if v not in ("<5", "*")] + list(known.values())
    hidden_count = sum(1 for v in shown.values() if v in ("<5", "*"))
    # above any true value of the tables tried, even when every figure is hidden
    cap = max([*numbers, 5]) + 4 * hidden_count + 8
    # what the page shows: a part of a breakdown (a total and its parts) whose total reads "<5"
    under_small = {
        name
        for r in relations
        if r.whole is not None and shown.get(r.whole) == "<5"
        for name, _coef in r.terms
        if name != r.whole
    }
    doms = {k: domain(v, cap, under_small_total=k in under_small) for k, v in shown.items()}
    doms |= {k: [v] for k, v in known.items()}
    rels = [r for r in relations if r.cells() <= set(doms)]
    hidden = sorted(k for k, v in shown.items() if v in ("<5", "*"))
    seen: dict[str, set[int]] = {}
    for cell in hidden:
        found: set[int] = set()
        for v in doms[cell]:
            if _solvable({**doms, cell: [v]}, rels):
                found.add(v)
                if len(found) >= 2:
                    break
        seen[cell] = found
    return seen


def recovered(
    shown: Mapping[str, str], relations: list[Relation], known: Mapping[str, int] = {}
) -> list[str]:
    """The "<5" cells the solver pins to a single value other than 0 (a "<5" under a total
    "<5" may be a zero: pinned to 0 it gives no count of 1 to 4 away)."""
    seen = ranges(shown, relations, known)
    return sorted(c for c, vs in seen.items() if shown[c] == "<5" and len(vs) < 2 and vs != {0})


def pinned_withheld(
    shown: Mapping[str, str], relations: list[Relation], known: Mapping[str, int] = {}
) -> dict[str, int]:
    """The "*" cells pinned to one value (never 1 to 4: a count that could be printed)."""
    seen = ranges(shown, relations, known)
    return {c: min(vs) for c, vs in seen.items() if shown[c] == "*" and len(vs) == 1}
