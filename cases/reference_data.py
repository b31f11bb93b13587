"""Load the Supplement B Part 3 categories and the Massachusetts statute catalogue.

Used by migration 0002 (with historical models) and by tests that flush the database.
Sources: INA 101(a)(15)(U)(iii) and the statute map (ma_statutes.csv, curated into
cases/data/ma_statutes.csv with explicit category codes).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def load_reference_data(category_model: Any, statute_model: Any) -> None:
    with open(DATA / "qualifying_crime_categories.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            category_model.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "kind": row["kind"],
                    "form_order": int(row["form_order"]),
                },
            )
    by_code = {c.code: c for c in category_model.objects.all()}
    with open(DATA / "ma_statutes.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            statute, _ = statute_model.objects.update_or_create(
                citation=row["citation"],
                defaults={
                    "offense": row["offense"],
                    "federal_mapping_note": row["federal_categories"][:300],
                    "similar_activity_only": row["similar_activity"] == "yes",
                    "title_confidence": _confidence(row["title_confidence"]),
                    "mapping_confidence": _confidence(row["mapping_confidence"]),
                    "notes": row["notes"],
                },
            )
            codes = [c for c in row["category_codes"].split(";") if c]
            statute.categories.set([by_code[c] for c in codes])


def _confidence(value: str) -> str:
    return value if value in ("H", "M", "L") else ""


# The first department, as Part 2 of Supplement B names it (demo data, bulk data, tests).
MEDFORD_AGENCY: dict[str, str] = {
    "name": "Medford Police Department",
    "street": "100 Main Street",
    "city": "Medford",
    "state": "MA",
    "zip_code": "02155",
    "phone": "781-391-6404",
    "agency_type": "local",
    "category": "law_enforcement",
    "head_family_name": "Delaney",
    "head_given_name": "Frank",
    "head_title": "Chief of Police",
}
