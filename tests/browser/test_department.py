"""The department's own records in a real browser: a walk-in request from entry to decision
with a mailed letter, and the Chief managing a designation. Every page is checked with axe."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from cases import policy
from cases.models import CertificationRequest, CertifyingOfficial, DesignationEvent, Status
from tests.browser.session import answer_standing
from tests.browser.test_workflow import (
    PDF,
    chief_opens,
    coordinator_checks_and_assigns,
    detective_attests,
    form_with,
)
from tests.browser.test_workflow import session as session
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLAUSES = """1. [not_helpful] No helpfulness
The victim has not been, is not being and is not likely to be helpful.

2. [no_jurisdiction] Not the department's case
The department did not detect or investigate the criminal activity."""


def test_a_walk_in_request_from_entry_to_a_mailed_denial(session, people, agency):
    policy.policy_adopt(
        actor=people["chief"],
        agency=agency,
        title="Certification policy",
        preamble="",
        effective_on=timezone.localdate() - timedelta(days=30),
        clauses=policy.parse_clauses(CLAUSES),
    )
    page = session.page
    session.as_user(people["coordinator"])
    session.open("/")
    page.get_by_role("link", name="Record a request").click()
    session.check()
    page.get_by_label("How the request was received").select_option("in_person")
    received = timezone.localdate() - timedelta(days=3)
    page.get_by_label("Date the department received it").fill(received.isoformat())
    page.get_by_label(re.compile("Why it is entered after")).fill("Walk-in on a Saturday.")
    page.get_by_label("Requester's name").fill("Rosa Silva")
    page.get_by_label("Postal address").fill("5 Elm St\nMedford MA 02155")
    answer_standing(page, "The victim herself")
    page.get_by_label(re.compile("Preferred language")).select_option("pt")
    page.get_by_label("Victim's family name (last name)").fill("Silva")
    page.get_by_label("Victim's given name (first name)").fill("Rosa")
    page.get_by_label("Victim's date of birth").fill("1988-02-03")
    page.get_by_label("Police report or case number").fill("MPD-2025-0999")
    page.get_by_label("Date of the criminal activity").fill("2025-10-02")
    page.get_by_label("Scanned document: what is it").select_option("request_letter")
    page.get_by_label("Scanned document (optional)").set_input_files(
        {**PDF, "name": "walk-in-letter.pdf"}
    )
    session.shot("intake-form")
    session.submit(page.get_by_role("button", name="Record the request"))
    expect(page.locator("#status")).to_have_text("Received")
    expect(page.locator("#clock")).to_have_text("Due in 87 days")
    expect(page.get_by_role("heading", name="Received by in person")).to_be_visible()
    session.shot("intake-recorded")
    request = CertificationRequest.objects.latest("pk")
    assert request.family_name == "Silva"
    assert request.documents.get().original_name == "walk-in-letter.pdf"

    coordinator_checks_and_assigns(session, people, request)
    detective_attests(session, people, request)
    chief_opens(session, people, request)
    decline = form_with(page, "Decline")
    decline.get_by_label(re.compile("Policy reason")).select_option("not_helpful")
    decline.get_by_label("Explanation for the letter").fill("No cooperation since June.")
    session.submit(decline.get_by_role("button", name="Decline"))
    expect(page.locator("#status")).to_have_text("Declined")
    expect(page.get_by_role("heading", name="Policy clause cited")).to_be_visible()
    session.shot("walk-in-declined")

    # The letter, for mail: addressed to the requester, quoting the clause in force.
    client = Client()
    sign_in(client, people["coordinator"])
    response = client.get(f"/requests/{request.reference}/letters/denial.pdf")
    assert response.status_code == 200
    text = " ".join(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    assert "Rosa Silva 5 Elm St Medford MA 02155" in text
    # In the language chosen at intake, the English attached (c. 258F s. 3(ii)).
    assert "Indeferimento por escrito sem prejuízo de novo pedido" in text
    assert "(English version)" in text
    assert "The victim has not been, is not being and is not likely to be helpful." in text
    request.refresh_from_db()
    assert request.status == Status.DECLINED and request.decline_clause.number == "1"


def test_the_chief_manages_a_designation(session, people, agency):
    page = session.page
    session.as_user(people["chief"])
    session.open("/")
    page.get_by_role("link", name="Certifying officials").click()
    session.check()
    session.shot("designations")
    page.get_by_label("Account of the designee").select_option(str(people["undesignated_chief"].pk))
    page.get_by_label("Family name (Part 2, Item 2.a)").fill("Rossi")
    page.get_by_label("Given name (Part 2, Item 2.b)").fill("Ana")
    title = page.get_by_label("Supervisory title and division (Part 2, Item 3)")
    title.fill("Detective")  # not a supervisory role: refused, nothing saved
    page.get_by_label("Effective from").fill(timezone.localdate().isoformat())
    page.get_by_label(re.compile("Written designation")).set_input_files(
        {**PDF, "name": "designation.pdf"}
    )
    session.submit(page.get_by_role("button", name="Designate"))
    expect(page.get_by_text("supervisory role may be designated")).to_be_visible()
    assert not DesignationEvent.objects.exists()
    title.fill("Lieutenant, Family Services Unit")
    page.get_by_label(re.compile("Written designation")).set_input_files(
        {**PDF, "name": "designation.pdf"}
    )
    session.submit(page.get_by_role("button", name="Designate"))
    row = page.get_by_role("row", name=re.compile("Rossi"))
    expect(row).to_contain_text("Designee")
    session.shot("designated")
    official = CertifyingOfficial.objects.get(family_name="Rossi")
    session.as_user(people["chief"])  # each change of who may sign asks for a fresh sign-in
    session.open("/designations/")
    row = page.get_by_role("row", name=re.compile("Rossi"))
    row.get_by_label(re.compile("Reason")).fill("Transferred to another unit")
    session.submit(row.get_by_role("button", name=re.compile("Revoke")))
    expect(page.locator("#designation-history")).to_contain_text("Revoked")
    page.get_by_role("textbox", name="Who could sign on").fill(timezone.localdate().isoformat())
    session.submit(page.get_by_role("button", name="Check"))
    expect(page.locator("#authorised-on")).to_contain_text("Delaney")
    expect(page.locator("#authorised-on")).not_to_contain_text("Rossi")
    session.shot("designation-revoked")
    assert list(
        DesignationEvent.objects.filter(official=official).values_list("action", flat=True)
    ) == ["designated", "revoked"]


def test_the_public_policy_page_needs_no_sign_in(session, people, agency):
    policy.policy_adopt(
        actor=people["chief"],
        agency=agency,
        title="Certification policy",
        preamble="How we answer.",
        effective_on=timezone.localdate(),
        clauses=policy.parse_clauses(CLAUSES),
    )
    session.page.context.clear_cookies()
    session.open("/policy/")
    expect(
        session.page.get_by_role("heading", name=re.compile("1. No helpfulness"))
    ).to_be_visible()


def test_the_department_adopts_and_rewrites_its_text_on_the_case_page(
    session, people, make_request
):
    """Supplement B instructions: the certifying agency completes Parts 2-6. The coordinator
    adopts Part 2's proposal and rewrites Part 3 item 6; the form then prints the rewrite."""
    from cases.documents.issuing import review_pdf
    from cases.uscis import formmap

    request = make_request(Status.CRIME_CHECK, department_text=False)
    page = session.page
    session.as_user(people["coordinator"])
    session.open(request.get_absolute_url())
    section = page.locator("#department-text")
    expect(section).to_contain_text("Assaulted by her partner at home.")  # the proposal
    expect(section.get_by_text("To adopt").first).to_be_visible()
    session.shot("department-text-to-adopt")
    session.submit(page.get_by_role("button", name="Adopt all proposals in Part 2"))
    expect(page.get_by_role("button", name="Adopt all proposals in Part 2")).to_have_count(0)
    expect(page.locator("#department-item-2-9 [data-role=department]")).to_contain_text("25-001234")
    page.get_by_role("link", name="Rewrite Part 3, Item 6", exact=True).click()
    session.check()
    field = page.get_by_label(re.compile("Part 3, Item 6"))
    field.fill("")
    session.submit(page.get_by_role("button", name="Save the department's text"))
    expect(page.locator(".usa-error-message")).to_contain_text("required")  # kept, explained
    field = page.get_by_label(re.compile("Part 3, Item 6"))
    field.fill("Assault and battery on a household member, reported the same night.")
    session.submit(page.get_by_role("button", name="Save the department's text"))
    item = page.locator("#department-item-3-6")
    expect(item.locator("[data-role=department]")).to_contain_text("household member")
    expect(item.locator("[data-role=proposal]")).to_have_text("Assaulted by her partner at home.")
    session.shot("department-text-rewritten")

    request.refresh_from_db()
    assert request.criminal_activity_description == "Assaulted by her partner at home."
    assert formmap.department_values(request)[(3, "6")].startswith("Assault and battery")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(review_pdf(request))).pages)
    assert "household member" in re.sub(r"\s+", " ", text)
    assert len(session.checked) >= 4
