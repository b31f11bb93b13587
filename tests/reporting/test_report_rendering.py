"""The report page in a real browser and the PDF through pdftoppm, saved as PNG artifacts."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import CertificationRequest
from tests.conftest import browser_sign_in


def busiest_demo_year() -> int:
    years = [
        timezone.localdate(r).year
        for r in CertificationRequest.objects.exclude(received_at=None).values_list(
            "received_at", flat=True
        )
    ]
    return max(set(years), key=years.count)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_report_page_renders_with_charts(page, live_server, reference_rows, artifacts):
    call_command("seed_demo")
    from django.contrib.auth import get_user_model

    year = busiest_demo_year()
    browser_sign_in(page, live_server, get_user_model().objects.get(username="auditor"))
    page.goto(f"{live_server.url}/reports/annual/{year}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Annual report {year}")
    charts = page.locator("figure svg[role=img]")
    expect(charts).to_have_count(3)
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    page.screenshot(path=str(artifacts / "annual-report-page.png"), full_page=True)
    page.goto(f"{live_server.url}/reports/annual/{year}/?public=1")
    expect(page.locator("svg")).to_have_count(0)
    page.screenshot(path=str(artifacts / "annual-report-page-public.png"), full_page=True)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Open requests by answer clock")).to_have_count(0)
    page.context.clear_cookies()
    browser_sign_in(page, live_server, get_user_model().objects.get(username="coordinator"))
    page.goto(f"{live_server.url}/")
    tile = page.get_by_role("region", name="Open requests by answer clock")
    expect(tile).to_be_visible()
    tile.screenshot(path=str(artifacts / "home-clock-tile.png"))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)")
def test_the_pdf_renders_to_png(db, artifacts, tmp_path):
    call_command("seed_demo")
    year = busiest_demo_year()
    pdf = tmp_path / "report.pdf"
    call_command("annual_report", year=year, format="pdf", out=str(pdf))
    prefix = artifacts / "annual-report-pdf"
    for old in artifacts.glob("annual-report-pdf-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(prefix)], check=True)
    pngs = sorted(artifacts.glob("annual-report-pdf-*.png"))
    assert len(pngs) >= 2
    assert all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 5_000 for p in pngs)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Requests received per month" in text and "Days from receipt to answer" in text
