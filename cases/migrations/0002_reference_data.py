"""Load the 31 Supplement B Part 3 categories and the Massachusetts statute catalogue
(cases/reference_data.py). Editable in the admin afterwards."""

from django.db import migrations

from cases.reference_data import load_reference_data


def load(apps, schema_editor):
    load_reference_data(
        apps.get_model("cases", "QualifyingCrimeCategory"), apps.get_model("cases", "Statute")
    )


def unload(apps, schema_editor):
    apps.get_model("cases", "Statute").objects.all().delete()
    apps.get_model("cases", "QualifyingCrimeCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
