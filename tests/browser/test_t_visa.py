"""A T-visa request (Form I-914 Supplement B) in a real browser: the advocate chooses the T form
and submits, the coordinator checks the forms of trafficking and the c. 265 statutes, the
detective attests cooperation, the Chief decides, the coordinator records the ink signature and
the hand-over; no filing period is shown. axe-core on every page, at both widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import CertificationRequest, FormType, IssuedForm
from tests.browser.session import Session, answer_standing, record_ink_on_page
from tests.browser.test_workflow import form_with
from tests.conftest import scan_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session(page, live_server, artifacts, t_template):
    page.set_default_timeout(10_000)
    return Session(page, live_server, artifacts, "t-visa")


def test_a_t_request_from_submission_to_hand_over(session, people):
    s, page = session, session.page
    # The advocate chooses the T form (the difference is explained in plain words) and submits.
    s.as_user(people["advocate"])
    s.open("/")
    page.get_by_role("link", name="Start a new request").click()
    s.check()
    choice = page.get_by_label("Which form the victim needs")
    expect(page.get_by_text(re.compile("it has no filing deadline"))).to_be_visible()
    choice.select_option(FormType.T_VISA)
    page.get_by_label("Family name (last name)").fill("Trần")
    page.get_by_label("Given name (first name)").fill("Thị Mai")
    page.get_by_label("Date of birth").fill("1994-02-03")
    page.get_by_label("Gender").select_option("F")
    page.get_by_label("Police report or case number").fill("MPD-2025-07777")
    page.get_by_label("Date of the criminal activity").fill("2025-01-10")
    page.get_by_label("Where it happened").fill("Medford, MA")
    page.get_by_label("What happened").fill("Made to work in a nail salon to repay a debt.")
    answer_standing(page)
    s.shot("advocate-t-form")
    s.submit(page.get_by_role("button", name="Save draft"))
    s.submit(page.get_by_role("button", name="Submit request"))
    expect(page.locator("#status")).to_have_text("Received")
    request = CertificationRequest.objects.latest("pk")
    assert request.form_type == FormType.T_VISA and request.reference.startswith("MPD-TV-")

    # The coordinator: the trafficking forms and c. 265 ss. 50-51, not the U list.
    s.as_user(people["coordinator"])
    s.open(request.get_absolute_url())
    s.submit(page.get_by_role("button", name="Start trafficking check"))
    page.get_by_role("link", name="Trafficking check").click()
    s.check()
    expect(page.locator("#t-visa-check")).to_contain_text("severe form of trafficking")
    results = page.get_by_role("list", name="Search results")
    expect(results).to_contain_text("c.265 §50")
    expect(results).to_contain_text("c.265 §51")
    expect(page.get_by_text("Domestic Violence")).to_have_count(0)
    s.shot("coordinator-trafficking-check")
    page.locator("label", has_text=re.compile(r"c\.265 §51")).click()
    page.locator("label", has_text="Labor trafficking for debt bondage").click()
    page.get_by_label("Part 2, item 8. Case status").select_option("ongoing")
    s.submit(page.get_by_role("button", name="Save the crime check"))
    page.get_by_label("Detective", exact=True).select_option(label="Detective")
    s.submit(page.get_by_role("button", name="Assign"))
    s.submit(page.get_by_role("button", name="Confirm qualifying crime"))
    expect(page.locator("#status")).to_have_text("Helpfulness review")

    # The detective attests cooperation (or the exception) with an explanation.
    s.as_user(people["detective"])
    s.open(request.get_absolute_url())
    page.get_by_role("link", name="Cooperation (Part 4 and 5)").click()
    s.check()
    page.get_by_role("group", name=re.compile("Part 4, item 1")).locator(
        "label", has_text="complied with any reasonable request"
    ).click()
    page.get_by_label(re.compile("Part 4, item 2")).fill("Two interviews; named the owner.")
    page.get_by_role("group", name=re.compile("Part 5, item 1")).locator(
        "label", has_text="No"
    ).click()
    s.shot("detective-cooperation")
    s.submit(page.get_by_role("button", name="Save Part 4 and Part 5"))
    s.submit(page.get_by_role("button", name="Attest cooperation"))
    expect(page.locator("#status")).to_have_text("Chief decision")

    # The Chief sees what the I-914B needs and decides.
    s.as_user(people["chief"])
    s.open(request.get_absolute_url())
    expect(page.locator("#t-visa-needs")).to_contain_text("original signature in ink")
    expect(page.locator("#t-cooperation")).to_contain_text("complied")
    s.shot("chief-t-decision")
    # The department's text of the attested items: the Chief adopts the proposals (any Part).
    s.submit(page.get_by_role("button", name="Adopt all proposals in Part 2"))
    s.submit(page.get_by_role("button", name="Adopt all proposals in Part 3"))
    s.submit(page.get_by_role("button", name="Certify", exact=True))
    expect(page.locator("#status")).to_have_text("Awaiting ink signature")
    request.refresh_from_db()
    assert IssuedForm.objects.get(request=request).template.form_type == FormType.T_VISA

    # The coordinator records the ink signature (date, signer, scan): no filing period follows.
    s.as_user(people["coordinator"])
    s.open(request.get_absolute_url())
    today = record_ink_on_page(s, request, scan_png())
    expect(page.locator("#status")).to_have_text("Certified")
    expect(page.locator("#ink-date")).to_contain_text(f"Signed in ink {today:%m/%d/%Y}")
    expect(page.locator("#no-validity")).to_be_visible()
    expect(page.locator("#valid-until")).to_have_count(0)
    s.shot("t-certified-with-ink")

    # The hand-over of the original, as the advocate then sees it.
    handover = form_with(page, "Record hand-over")
    handover.get_by_label("Received by (name and role)").fill("Ana Ruiz, advocate")
    handover.get_by_label("Date handed over").fill(today.isoformat())
    handover.get_by_label("How").select_option("in_person")
    s.submit(handover.get_by_role("button", name="Record hand-over"))
    s.as_user(people["advocate"])
    s.open(request.get_absolute_url())
    expect(page.locator("#handover-state")).to_contain_text("handed over in person")
    expect(page.get_by_text("valid for filing with USCIS until")).to_have_count(0)
    s.shot("advocate-t-handed-over")
    assert len(s.checked) >= 12
