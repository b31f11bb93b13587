"""Micro-benchmark: median time to fill one Form I-918 Supplement B (synthetic 01/20/25 template).

    .venv/bin/python bench/fill_form.py [--runs 50]

Two cases, each timed over ``--runs`` fills after one warm-up (fonts registered, imports done):
every field filled with short values, and the same with a 5,000-character Part 3 item 6 that
continues in Part 7 and on a continuation sheet. The goal for fill plus sealing is 0.3 s or less;
this measures filling alone.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cases.uscis import acroform, synthetic  # noqa: E402
from cases.uscis import i918b_fields as m  # noqa: E402

NAMES = {
    m.P1 + "Pt1Line2a_FamilyName[0]": "Nguyễn",
    m.P1 + "Pt1Line2a_GivenName[0]": "Thị Ánh",
    m.P1 + "Pt1Line3a_FamilyName[0]": "Jean-Baptiste Désir",
    m.P1 + "Pt1Line3a_GivenName[0]": "José Ñúñez",
}


def values_for(inventory: list[acroform.Field]) -> dict[str, str | bool]:
    blocks = {n for block in m.PART7_BLOCKS for n in block}
    values: dict[str, str | bool] = {}
    for i, f in enumerate(inventory):
        if f.name in acroform.INK_ONLY_FIELDS or f.name in blocks:
            continue
        if f.type == "checkbox":
            values[f.name] = i % 3 == 0
        elif f.type == "dropdown":
            values[f.name] = "MA"
        elif f.max_length == 9:
            values[f.name] = "123456789"
        elif f.max_length == 10:
            values[f.name] = "06/01/2026"
        else:
            values[f.name] = f"Value {i}"
    values.update(NAMES)
    return values


def median_seconds(template: bytes, values: dict, runs: int, cont: acroform.Continuation) -> float:
    acroform.fill(template, values, continuation=cont)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        acroform.fill(template, values, continuation=cont)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    data = ROOT / "cases" / "data"
    with open(data / "qualifying_crime_categories.csv", newline="", encoding="utf-8") as f:
        tooltips = [row["name"] for row in csv.DictReader(f)]
    template = synthetic.synthetic_template(m.FIELDS_CSV, category_tooltips=tooltips)
    inventory = acroform.read_inventory(template)
    values = values_for(inventory)
    cont = acroform.Continuation(
        "123456789", "Thị Ánh Nguyễn", "Medford Police Department", m.PART7_BLOCKS, m.field_refs()
    )
    short = median_seconds(template, values, args.runs, cont)
    words = " ".join(f"word{i:04d}" for i in range(600))[:5000]
    long_values = {**values, m.TEXT_FIELDS[(3, "6")][0]: words}
    long = median_seconds(template, long_values, args.runs, cont)
    print(f"fields filled: {len(values)}; runs: {args.runs}")
    print(f"median fill, short values:               {short:.3f} s")
    print(f"median fill, 5,000-character item 3.6:   {long:.3f} s (Part 7 + continuation sheet)")
    print("goal: fill + seal <= 0.300 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
