"""The synthetic Supplement B template, built once per test session.

Part 3 item 1's tooltips are the category names shuffled and restyled (case, punctuation,
spacing), so a match by index order, or by exact text, would fail.
"""

from __future__ import annotations

import csv
import io
import os
import random
from pathlib import Path

import pytest
from pypdf import PdfReader

from cases.uscis import acroform, synthetic
from cases.uscis.i918b_fields import FIELDS_CSV

DATA = Path(acroform.__file__).resolve().parent.parent / "data"
ARTIFACTS = Path(
    os.environ.get("UVISA_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")
)


def category_names() -> dict[str, str]:
    with open(DATA / "qualifying_crime_categories.csv", newline="", encoding="utf-8") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


def styled_tooltips(names: list[str], seed: int = 12) -> list[str]:
    shuffled = list(names)
    random.Random(seed).shuffle(shuffled)
    styles = [str.upper, lambda s: s + "?", lambda s: s.replace(" ", "  ").lower(), str]
    return [styles[i % len(styles)](name) for i, name in enumerate(shuffled)]


@pytest.fixture(scope="session")
def categories() -> dict[str, str]:
    return category_names()


@pytest.fixture(scope="session")
def box_tooltips(categories: dict[str, str]) -> list[str]:
    return styled_tooltips(list(categories.values()))


@pytest.fixture(scope="session")
def template(box_tooltips: list[str]) -> bytes:
    return synthetic.synthetic_template(FIELDS_CSV, category_tooltips=box_tooltips)


@pytest.fixture(scope="session")
def inventory(template: bytes) -> list[acroform.Field]:
    return acroform.read_inventory(template)


@pytest.fixture(scope="session")
def expected() -> list[acroform.ExpectedField]:
    return acroform.load_inventory_csv(FIELDS_CSV)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    path = ARTIFACTS / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_fields(pdf: bytes) -> dict:
    return PdfReader(io.BytesIO(pdf)).get_fields() or {}
