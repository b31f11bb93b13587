"""Load the 31 Supplement B Part 3 categories and the Massachusetts statute catalogue.

Sources: domain.md 2.1 (INA 101(a)(15)(U)(iii)) and 6 (ma-statutes.csv, curated into
cases/data/ma_statutes.csv with explicit category codes). Editable in the admin afterwards.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Category = apps.get_model("cases", "QualifyingCrimeCategory")
    Statute = apps.get_model("cases", "Statute")
    with open(DATA / "qualifying_crime_categories.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Category.objects.update_or_create(
                code=row["code"],
                defaults={"name": row["name"], "kind": row["kind"], "form_order": int(row["form_order"])},
            )
    by_code = {c.code: c for c in Category.objects.all()}
    with open(DATA / "ma_statutes.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            statute, _ = Statute.objects.update_or_create(
                citation=row["citation"],
                defaults={
                    "offense": row["offense"],
                    "federal_mapping_note": row["federal_categories"][:300],
                    "similar_activity_only": row["similar_activity"] == "yes",
                    "title_confidence": row["title_confidence"] if row["title_confidence"] in "HML" else "",
                    "mapping_confidence": row["mapping_confidence"] if row["mapping_confidence"] in "HML" else "",
                    "notes": row["notes"],
                },
            )
            codes = [c for c in row["category_codes"].split(";") if c]
            statute.categories.set([by_code[c] for c in codes])


def unload(apps, schema_editor):
    apps.get_model("cases", "Statute").objects.all().delete()
    apps.get_model("cases", "QualifyingCrimeCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
