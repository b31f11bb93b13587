"""The public status page in a real browser, axe at 1280 and 412 px: the coordinator records a
request received by mail; the code is read from the acknowledgement letter the department
issued (pdftotext); a visitor who never signed in (a fresh browser context) types the
reference and the code and sees the stage and the dates, and no name; a wrong code gets the
same page as an unknown reference; the coordinator issues a new code and the old one stops
working."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import FormType, Status
from tests.browser.session import Session
from tests.browser.test_any_channel import record_a_request
from tests.browser.test_any_channel import session as session
from tests.cases.test_status_lookup import code_in_letter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def look_up(s: Session, reference: str, code: str, language: str = "en") -> None:
    page = s.page
    s.open("/status/")
    page.get_by_label("Request reference").fill(reference)
    page.get_by_label("Status code").fill(code)
    page.get_by_label("Language of the answer").select_option(language)
    s.submit(page.get_by_role("button", name="Look up"))


def test_a_requester_without_an_account_sees_where_the_request_stands(
    session, people, browser, live_server, artifacts, settings
):
    settings.UVISA_STATUS_PER_REFERENCE = 20  # one visitor looks the same reference up often
    s = session
    s.as_user(people["coordinator"])
    request = record_a_request(
        s,
        channel="mail",
        form_type=FormType.U_VISA,
        victim={
            "Victim's family name (last name)": "Quispe",
            "Victim's given name (first name)": "Luzmila",
            "Date of the criminal activity": "2025-06-01",
        },
    )
    code = code_in_letter(request.issued_letters.get(kind="acknowledgement"))

    # A visitor in a browser that never signed in.
    context = browser.new_context()
    try:
        visitor = Session(context.new_page(), live_server, artifacts, "status-visitor")
        visitor.page.set_default_timeout(10_000)
        look_up(visitor, request.reference, code)
        page = visitor.page
        expect(page.locator("#status-stage")).to_have_text("Received")
        today = timezone.localdate()
        due = request.due_on
        expect(page.locator("#status-received")).to_have_text(
            f"{today:%B} {today.day}, {today.year}"
        )
        expect(page.locator("#status-due")).to_have_text(f"{due:%B} {due.day}, {due.year}")
        html = page.content()
        for private in ("Quispe", "Luzmila", "Ana Costa", "Elm St"):
            assert private not in html
        visitor.shot("status-found")

        # Spanish words for the stage
        look_up(visitor, request.reference, code, language="es")
        expect(page.locator("#status-stage")).to_have_text("Recibida")
        expect(page.locator("#status-stage")).to_have_attribute("lang", "es")

        # a wrong code and an unknown reference: the same answer
        look_up(visitor, request.reference, "2345-6789-ABCD")
        expect(page.get_by_role("heading", name="No request matches")).to_be_visible()
        wrong_code = page.locator("main").inner_text()
        look_up(visitor, "MPD-UV-2099-0001", code)
        assert page.locator("main").inner_text() == wrong_code
        visitor.shot("status-not-found")

        # The coordinator issues a new code: the old one stops working.
        s.open(request.get_absolute_url())
        s.submit(s.page.get_by_role("button", name="Issue a new status code"))
        expect(
            s.page.locator(".usa-alert__text", has_text="New status code issued")
        ).to_be_visible()
        new_letter = request.issued_letters.filter(kind="acknowledgement").order_by("-pk")[0]
        new_code = code_in_letter(new_letter)
        look_up(visitor, request.reference, code)
        expect(page.get_by_role("heading", name="No request matches")).to_be_visible()
        look_up(visitor, request.reference, new_code)
        expect(page.locator("#status-stage")).to_have_text("Received")
        assert request.status == Status.RECEIVED

        # Over the limit: the refusal is a page like the others (axe-checked), with its reason.
        settings.UVISA_STATUS_PER_MINUTE = 0
        visitor.open("/status/")
        expect(page.get_by_role("heading", name="Too many look-ups")).to_be_visible()
        visitor.shot("status-limited")
    finally:
        context.close()
