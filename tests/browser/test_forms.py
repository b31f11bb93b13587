"""A real browser: the Chief sees what blocks certifying; anyone checks an issued form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import CertificationRequest, Status
from tests.conftest import browser_sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_missing_items_then_certify_then_public_check(
    page, live_server, make_request, people, artifacts, tmp_path
):
    r = make_request(Status.CHIEF_DECISION, gender="")
    browser_sign_in(page, live_server, people["chief"])
    page.goto(f"{live_server.url}{r.get_absolute_url()}")
    expect(page.locator("#missing-items")).to_contain_text("Part 1, Item 5 (Gender)")
    expect(page.get_by_role("button", name="Certify")).to_have_count(0)
    page.screenshot(path=str(artifacts / "forms-missing-items.png"), full_page=True)

    type(r).objects.filter(pk=r.pk).update(gender="F")
    page.reload()
    expect(page.locator("#missing-items")).to_contain_text("Every required item is filled")
    page.get_by_role("button", name="Certify").click()
    expect(page.locator("#status")).to_have_text("Awaiting ink signature")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Official form, issued by Medford")).click()
    signed = tmp_path / "issued.pdf"
    download.value.save_as(signed)

    page.context.clear_cookies()  # the public page needs no login
    page.goto(f"{live_server.url}/verify/")
    page.get_by_label("Or the PDF file").set_input_files(str(signed))
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_contain_text("Result: GENUINE")
    expect(page.locator("#verdict")).to_contain_text("Medford Police Department")
    expect(page.locator("#ink-fact")).to_contain_text("Not recorded")
    expect(page.locator("body")).not_to_contain_text("García")
    page.screenshot(path=str(artifacts / "forms-verify-genuine.png"), full_page=True)

    code = CertificationRequest.objects.get(pk=r.pk).issued_form.verification_code
    page.get_by_label("Verification code").fill(code.lower())
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_contain_text("Result: GENUINE")
