"""The ink lifecycle in a real browser: the Chief certifies, the form is print-ready, the
coordinator records the ink date and the scan, the advocate sees the hand-over state, and
/verify/ on the issued file says issued and ink signature recorded (axe on every page)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases import clocks
from cases.models import Status
from tests.browser.session import Session, record_ink_on_page
from tests.conftest import scan_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session(page, live_server, artifacts, request):
    page.set_default_timeout(10_000)
    return Session(page, live_server, artifacts, "ink")


def test_certify_then_ink_then_hand_over_then_verify(session, people, make_request, tmp_path):
    page = session.page
    request = make_request(Status.CHIEF_DECISION)

    # The Chief certifies: the decision is recorded, the official form is print-ready.
    session.as_user(people["chief"])
    session.open(request.get_absolute_url())
    session.submit(page.get_by_role("button", name="Certify", exact=True))
    expect(page.locator("#status")).to_have_text("Awaiting ink signature")
    expect(page.locator("#print-ready")).to_contain_text("Print-ready")
    link = page.get_by_role("link", name=re.compile("Official form, issued by Medford"))
    expect(link).to_contain_text("print-ready for the ink signature")
    session.shot("chief-print-ready")
    with page.expect_download() as download:
        link.click()
    issued = tmp_path / "issued.pdf"
    download.value.save_as(issued)
    request.refresh_from_db()
    assert issued.read_bytes() == request.issued_form.data

    # The coordinator records the ink date, the signer and the scan of the signed pages.
    session.as_user(people["coordinator"])
    session.open(request.get_absolute_url())
    today = record_ink_on_page(session, request, scan_png())
    expect(page.locator("#status")).to_have_text("Certified")
    valid = clocks.filing_valid_until(today)
    expect(page.locator("#valid-until")).to_have_text(f"{valid:%m/%d/%Y}")
    expect(page.locator("#ink-date")).to_contain_text(f"Signed in ink {today:%m/%d/%Y}")
    session.shot("certified-with-ink")

    # The advocate: ready for pick-up, then mailed on a date.
    session.as_user(people["advocate"])
    session.open(request.get_absolute_url())
    expect(page.locator("#handover-state")).to_have_text("Original ready for pick-up")
    session.as_user(people["coordinator"])
    session.open(request.get_absolute_url())
    page.get_by_label("Received by (name and role)").fill("Ana Ruiz, advocate")
    page.get_by_label("Date handed over").fill(today.isoformat())
    page.get_by_label("How").select_option("certified_mail")
    page.get_by_label("Tracking number (mail or courier)").fill("9407111899560000000000")
    session.submit(page.get_by_role("button", name="Record hand-over"))
    session.as_user(people["advocate"])
    session.open(request.get_absolute_url())
    expect(page.locator("#handover-state")).to_contain_text(f"Original mailed on {today:%m/%d/%Y}")
    session.shot("advocate-sees-mailed")

    # Anyone: /verify/ on the issued file.
    page.context.clear_cookies()
    session.open("/verify/")
    page.get_by_label("Or the PDF file").set_input_files(str(issued))
    session.submit(page.get_by_role("button", name="Check"))
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Result: GENUINE")
    expect(verdict).to_contain_text("issued by Medford Police Department")
    expect(page.locator("#ink-fact")).to_contain_text("Recorded: signed in ink by Frank Delaney")
    expect(page.locator("#valid-fact")).to_contain_text(f"{valid:%m/%d/%Y}")
    expect(verdict).not_to_contain_text("García")
    session.shot("verify-genuine-ink-recorded")
