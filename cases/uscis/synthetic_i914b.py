"""A synthetic stand-in for Form I-914 Supplement B (T visa), for tests and demos.

Built by synthetic.py from the I-914B field list (cases/uscis/data/i914b-01-20-25-fields.csv): the
same field names and types, Part 3 item 1's boxes named by the severe forms of trafficking in
persons, and every page printed "TEST TEMPLATE - NOT THE USCIS FORM".

    python -m cases.uscis.synthetic_i914b OUT.pdf
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from cases.uscis import i914b_fields, synthetic
from cases.uscis.acroform import read_inventory
from cases.uscis.trafficking import TraffickingForm

FORM_NAME = "Form I-914 Supplement B"


def trafficking_forms() -> dict[str, str]:
    """{code: label} of Part 3 item 1 (what the loaded file's box tooltips are matched to)."""
    return dict(TraffickingForm.choices)


def synthetic_template(category_tooltips: Sequence[str] | None = None) -> bytes:
    """The synthetic I-914B; the boxes' tooltips default to the trafficking forms in order."""
    if category_tooltips is None:
        category_tooltips = list(trafficking_forms().values())
    return synthetic.synthetic_template(
        i914b_fields.FIELDS_CSV, category_tooltips=category_tooltips, form_name=FORM_NAME
    )


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m cases.uscis.synthetic_i914b OUT.pdf", file=sys.stderr)
        return 2
    pdf = synthetic_template()
    Path(argv[0]).write_bytes(pdf)
    print(f"{argv[0]}: {len(pdf)} bytes, {len(read_inventory(pdf))} fields")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
