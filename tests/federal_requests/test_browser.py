"""In a real browser: the records officer logs a detainer and records the copy given to the
person; the Chief produces the six-monthly report and records its submission. Every page
reached is checked with axe-core (WCAG 2.1 A/AA)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from federal_requests.models import Entry, ReportSubmission
from federal_requests.periods import period_containing
from tests.browser.session import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session(page, live_server, artifacts):
    page.set_default_timeout(10_000)
    return Session(page, live_server, artifacts, "federal-requests")


def test_a_detainer_is_logged_the_copy_recorded_and_the_report_submitted(session, fr_people):
    page = session.page
    period = period_containing(timezone.localdate()).previous()
    received = period.start + timedelta(days=20)

    session.as_user(fr_people["records_officer"])
    session.open("/")
    page.get_by_role("link", name="Federal requests", exact=True).click()
    session.check()
    page.get_by_role("link", name="Log a request").click()
    session.check()
    page.get_by_label("Received (date and time)").fill(f"{received.isoformat()}T14:05")
    page.locator("#id_agency").select_option("ice")
    page.locator("#id_kind").select_option("detainer")
    page.locator("label[for=id_in_custody]").click()
    page.locator("#id_response").select_option("declined")
    page.get_by_label("Person's name").fill("Zebulon Quartermaine")
    page.get_by_label("Person's date of birth").fill("1987-03-19")
    session.shot("log-form")
    session.submit(page.get_by_role("button", name="Log request"))
    expect(page.locator("#copy-flag")).to_be_visible()
    session.shot("entry-flagged")
    page.get_by_label("Date the copy was given").fill(received.isoformat())
    page.get_by_label("Given by (name and badge number)").fill("Sgt. L. Moreau #214")
    session.submit(page.get_by_role("button", name="Record the copy given"))
    expect(page.locator("#copy-status")).to_contain_text("Sgt. L. Moreau #214")
    expect(page.locator("#copy-flag")).to_have_count(0)
    entry = Entry.objects.get()
    assert entry.copy_given_on == received and not entry.copy_missing

    session.as_user(fr_people["chief"])
    session.open("/federal-requests/reports/")
    page.get_by_role("link", name=period.label).click()
    session.check()
    expect(page.locator("#table-received")).to_contain_text("Detainer")
    page.get_by_role("link", name="Public version").click()
    session.check()
    expect(page.locator("#table-received")).to_contain_text("<5")
    expect(page.get_by_text("Zebulon")).to_have_count(0)
    session.shot("report-public")
    sent_on = min(period.end + timedelta(days=3), timezone.localdate())
    page.get_by_label("Date sent to the Mayor").fill(sent_on.isoformat())
    page.get_by_label("City Council docket number").fill("26-412")
    session.submit(page.get_by_role("button", name="Record submission"))
    expect(page.locator("#submission")).to_contain_text("docket 26-412")
    session.shot("report-submitted")
    sent = ReportSubmission.objects.get()
    assert sent.docket_number == "26-412" and bytes(sent.pdf).startswith(b"%PDF")
    assert len(session.checked) >= 7
