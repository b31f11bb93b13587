"""The one suppression rule (cases/lib/suppression.py) against a solver that tries to recover
every hidden cell (tests/lib/solver.py), over seeded random tables with their margins and a
second table sharing the grand total, as the public reports publish them."""

from __future__ import annotations

import random

from cases.lib import suppression
from tests.lib import solver

TABLES = 200


def shown_cells(values, primary, complementary):
    return {
        k: "<5" if k in primary else "*" if k in complementary else str(v)
        for k, v in values.items()
    }


def random_table(rng):
    """rows x columns with row, column and grand totals, and a second breakdown of the grand
    total (like the responses beside the table by agency)."""
    rows, cols, parts = rng.randint(1, 2), rng.randint(2, 3), rng.randint(2, 3)
    pick = [0, 0, 1, 1, 2, 3, 4, 5, 6, 8]
    values, rels = {}, []
    for r in range(rows):
        for c in range(cols):
            values[f"c{r}{c}"] = rng.choice(pick)
    for r in range(rows):
        values[f"row{r}"] = sum(values[f"c{r}{c}"] for c in range(cols))
        rels.append(suppression.total(f"row{r}", [f"c{r}{c}" for c in range(cols)]))
    for c in range(cols):
        values[f"col{c}"] = sum(values[f"c{r}{c}"] for r in range(rows))
        rels.append(suppression.total(f"col{c}", [f"c{r}{c}" for r in range(rows)]))
    values["total"] = sum(values[f"row{r}"] for r in range(rows))
    rels.append(suppression.total("total", [f"row{r}" for r in range(rows)]))
    rels.append(suppression.total("total", [f"col{c}" for c in range(cols)]))
    cuts = sorted(rng.randint(0, values["total"]) for _ in range(parts - 1))
    for i, (low, high) in enumerate(zip([0, *cuts], [*cuts, values["total"]], strict=True)):
        values[f"part{i}"] = high - low
    rels.append(suppression.total("total", [f"part{i}" for i in range(parts)]))
    return values, rels


def test_no_hidden_cell_of_a_random_table_can_be_recovered():
    rng = random.Random(20261207)
    tried = hidden = with_small = withheld_pinned = zeros_marked = 0
    for _ in range(TABLES):
        values, rels = random_table(rng)
        never = ["total"] if rng.random() < 0.5 else []
        primary, complementary = suppression.suppress(values, rels, never=never)
        small = {k for k, v in values.items() if 1 <= v <= 4}
        # "<5": the counts of 1 to 4, and every part of a total "<5" (zeros too), no other
        under_small_total = {p for r in rels if r.whole in primary for p in r.parts()}
        assert small <= primary and primary - small == under_small_total - small
        zeros_marked += len(primary - small)
        shown = shown_cells(values, primary, complementary)
        assert solver.recovered(shown, rels) == [], (values, shown)
        pinned = solver.pinned_withheld(shown, rels)
        assert not any(1 <= v <= 4 for v in pinned.values())
        withheld_pinned += len(pinned)
        tried += 1
        hidden += len(primary | complementary)
        with_small += bool(primary)
    assert tried == TABLES and with_small > TABLES // 2
    print(
        f"tables {tried}, with a small count {with_small}, cells hidden {hidden} (zeros shown "
        f"'<5' under a total '<5' {zeros_marked}), '<5' recovered 0, '*' pinned (to 0 or 5+) "
        f"{withheld_pinned}"
    )


def test_the_two_leaks_of_the_public_reports_are_closed_by_the_rule():
    # By agency ICE 7, CBP 1, HSI 1, total 9: "<5" twice would give 1 each.
    values = {"ice": 7, "cbp": 1, "hsi": 1, "total": 9}
    rels = [suppression.total("total", ["ice", "cbp", "hsi"])]
    primary, complementary = suppression.suppress(values, rels, never=["total"])
    assert primary == {"cbp", "hsi"} and complementary == {"ice"}
    assert solver.recovered(shown_cells(values, primary, complementary), rels) == []
    # U individuals 5, U and T together 6, T 1 (nobody in both): T must not read as 1.
    values = {"U": 5, "T": 1, "all": 6, "both": 0}
    rels = [suppression.union_total("all", "U", "T", "both")]
    primary, complementary = suppression.suppress(values, rels, context=["both"])
    assert primary == {"T"} and complementary
    shown = shown_cells({k: v for k, v in values.items() if k != "both"}, primary, complementary)
    assert solver.recovered(shown, rels, {"both": 0}) == []


def test_the_solver_recovers_what_primary_suppression_alone_leaves():
    values = {"ice": 7, "cbp": 1, "hsi": 1, "total": 9}
    rels = [suppression.total("total", ["ice", "cbp", "hsi"])]
    shown = shown_cells(values, {"cbp", "hsi"}, set())
    assert solver.recovered(shown, rels) == ["cbp", "hsi"]


def test_a_zero_withheld_as_star_does_not_protect():
    # total 9 = 7 + a + b with b = 0: "*" is 0 or 5+, so b = 0 and a = 2 would be pinned.
    values = {"x": 7, "a": 2, "b": 0, "total": 9}
    rels = [suppression.total("total", ["x", "a", "b"])]
    primary, complementary = suppression.suppress(values, rels, never=["total"])
    assert complementary == {"x"}
    assert solver.recovered(shown_cells(values, primary, complementary), rels) == []
