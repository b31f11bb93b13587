"""The samples in docs/samples/: the demo year's annual report (PDF and CSV, internal and
public) and a denial letter in each language. ``UVISA_WRITE_SAMPLES=1`` rewrites them;
otherwise they go to the test artifacts and are only checked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cases import issued_letters, services
from cases.models import DeclineReason, IssuedLetter, Status
from cases.reporting import annual, exports
from tests.conftest import at
from tests.reporting.test_individuals_and_submission import NOW, demo_2025  # noqa: F401

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


@pytest.fixture
def out(artifacts) -> Path:
    return SAMPLES if os.environ.get("UVISA_WRITE_SAMPLES") == "1" else artifacts


def test_sample_annual_report(demo_2025, out, settings):  # noqa: F811
    report = annual.build_annual_report(2025, now=NOW, agency="Medford Police Department")
    for public in (False, True):
        name = f"annual-report-2025-{'public' if public else 'internal'}"
        (out / f"{name}.csv").write_text(exports.to_csv(report, public=public))
        pdf = exports.to_pdf(report, public=public)
        (out / f"{name}.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize("language", ["en", "es", "pt", "ht"])
def test_sample_letters(make_request, people, language, out, settings):
    settings.UVISA_LETTER_CONTACT = {
        "name": "U-visa certification coordinator",
        "title": "Medford Police Department",
        "phone": "",
        "email": "uvisa-coordinator@example.gov",
    }
    r = make_request(
        Status.CHIEF_DECISION,
        preferred_language=language,
        given_name="Thérèse",
        family_name="Désir",
        received_at=at("2026-08-03 09:00"),
    )
    services.request_decline(
        request=r,
        actor=people["chief"],
        reason=DeclineReason.NOT_HELPFUL,
        note="The department could not reach the victim after three attempts.",
        at=at("2026-10-24 15:30"),
    )
    pdf = issued_letters.letter_bytes(IssuedLetter.objects.get(request=r))
    (out / f"letter-denial-{language}.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
