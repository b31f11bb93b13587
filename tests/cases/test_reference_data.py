"""Reference data loaded by the data migration (INA 101(a)(15)(U)(iii), ma_statutes.csv)."""

from __future__ import annotations

import pytest

from cases.models import QualifyingCrimeCategory, Statute


def test_the_31_form_categories_in_form_order(db):
    categories = list(QualifyingCrimeCategory.objects.all())
    assert len(categories) == 31
    assert [c.form_order for c in categories] == list(range(1, 32))
    assert categories[0].name == "Abduction" and categories[-1].name == "Witness Tampering"
    inchoate = {c.code for c in categories if c.kind == "inchoate"}
    assert inchoate == {"attempt", "conspiracy", "solicitation"}


def test_the_massachusetts_catalogue(db):
    assert Statute.objects.count() == 58
    assert all(s.categories.exists() for s in Statute.objects.all())


@pytest.mark.parametrize(
    "citation, codes, similar",
    [
        ("c.265 §13M", {"domestic_violence"}, False),
        ("c.265 §13A(a)", {"domestic_violence"}, False),  # not felonious assault by itself
        ("c.265 §16", {"murder", "attempt"}, False),
        ("c.265 §43A", {"stalking"}, True),
        ("c.265 §17 / §19", {"felonious_assault"}, True),
        ("c.274 §8", {"solicitation"}, False),
    ],
)
def test_statutes_suggest_their_federal_categories(db, citation, codes, similar):
    statute = Statute.objects.get(citation=citation)
    assert set(statute.categories.values_list("code", flat=True)) == codes
    assert statute.similar_activity_only is similar
