"""The whole workflow in a real browser (Playwright + Debian's Chromium, live server).

Every page reached is checked with axe-core (WCAG 2.1 A/AA) and key pages are saved as
screenshots in test-artifacts/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import CertificationRequest, Status
from tests.browser.session import Session, answer_standing, tab_to
from tests.conftest import record_ink

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = {
    "name": "police-report.pdf",
    "mimeType": "application/pdf",
    "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
}


def form_with(page: Page, button: str):
    return page.locator("form", has=page.get_by_role("button", name=button, exact=True))


def advocate_creates_and_submits(s: Session, people) -> CertificationRequest:
    page = s.page
    s.as_user(people["advocate"])
    s.open("/")
    s.shot("advocate-home")
    page.get_by_role("link", name="Start a new request").click()
    s.check()
    page.get_by_label("Family name (last name)").fill("Nguyễn")
    page.get_by_label("Given name (first name)").fill("Thị Lan")
    page.get_by_label("Date of birth").fill("1990-05-17")
    page.get_by_label("Gender").select_option("F")  # every required item is filled
    page.get_by_label("Police report or case number").fill("MPD-2025-04417")
    page.get_by_label("Date of the criminal activity").fill("2025-03-14")
    page.get_by_label("Where it happened").fill("Medford, MA")
    page.get_by_label("What happened").fill("Assaulted by her partner at home.")
    page.get_by_label("Known or documented injuries").fill("Bruises, a broken wrist.")
    page.get_by_label("How the victim has helped the police so far").fill("Called 911.")
    answer_standing(page)
    s.shot("advocate-form")
    s.submit(page.get_by_role("button", name="Save draft"))
    expect(page.locator("#status")).to_have_text("Draft")
    request = CertificationRequest.objects.latest("pk")
    page.get_by_label("What is it").select_option("police_report")
    page.locator("#id_file").set_input_files(PDF)
    s.submit(page.get_by_role("button", name="Upload"))
    expect(page.get_by_role("link", name="police-report.pdf")).to_be_visible()
    s.submit(page.get_by_role("button", name="Submit request"))
    expect(page.locator("#status")).to_have_text("Received")
    s.shot("advocate-submitted")
    return request


def coordinator_checks_and_assigns(s: Session, people, request: CertificationRequest) -> None:
    page = s.page
    s.as_user(people["coordinator"])
    s.open("/")
    s.shot("coordinator-home")
    page.get_by_role("link", name=request.reference).first.click()
    s.check()
    s.submit(page.get_by_role("button", name="Start qualifying-crime check"))
    page.get_by_role("link", name="Qualifying-crime check").click()
    s.check()
    page.get_by_label("Citation or words").fill("household member")
    s.submit(page.get_by_role("button", name="Search"))
    results = page.get_by_role("list", name="Search results")
    expect(results).to_contain_text("c.265 §13M")
    expect(results).to_contain_text("Domestic Violence")
    s.shot("coordinator-crime-check")
    page.locator("label", has_text=re.compile(r"c\.265 §13M")).click()
    page.locator("label", has_text="Domestic Violence").click()
    page.get_by_label("Part 2, item 7. Case status").select_option("completed")
    page.get_by_label(re.compile("Part 3, item 4.a")).select_option("yes")
    page.get_by_label(re.compile("Part 3, item 5.a")).select_option("no")
    s.submit(page.get_by_role("button", name="Save the crime check"))
    # The department's text of Parts 2-3: the advocate's proposals adopted.
    s.submit(page.get_by_role("button", name="Adopt all proposals in Part 2"))
    s.submit(page.get_by_role("button", name="Adopt all proposals in Part 3"))
    page.get_by_label("Detective", exact=True).select_option(label="Detective")
    s.submit(page.get_by_role("button", name="Assign"))
    s.submit(page.get_by_role("button", name="Confirm qualifying crime"))
    expect(page.locator("#status")).to_have_text("Helpfulness review")


def detective_attests(s: Session, people, request: CertificationRequest) -> None:
    page = s.page
    s.as_user(people["detective"])
    s.open("/")
    s.shot("detective-home")
    page.get_by_role("link", name=request.reference).click()
    s.check()
    page.get_by_role("link", name="Helpfulness (Part 4 and 5)").click()
    s.check()
    for item, answer in (
        ("Part 4, item 1", "Yes"),
        ("Part 4, item 2", "Yes"),
        ("Part 4, item 3", "No"),
    ):  # item 3: "has the victim refused ...?"
        page.get_by_role("group", name=re.compile(item)).locator("label", has_text=answer).click()
    page.get_by_label(re.compile("Part 4, explanation")).fill("Gave a statement; testified.")
    page.get_by_role("group", name=re.compile("Part 5, item 1")).locator(
        "label", has_text="No"
    ).click()
    s.shot("detective-helpfulness")
    s.submit(page.get_by_role("button", name="Save Part 4 and Part 5"))
    s.submit(page.get_by_role("button", name="Attest helpfulness"))
    expect(page.locator("#status")).to_have_text("Chief decision")


def chief_opens(s: Session, people, request: CertificationRequest) -> None:
    s.as_user(people["chief"])
    s.open("/")
    s.shot("chief-home")
    s.page.get_by_role("link", name=request.reference).click()
    s.check()
    s.shot("chief-review")


@pytest.fixture
def session(page, live_server, artifacts, request):
    page.set_default_timeout(10_000)
    return Session(page, live_server, artifacts, request.node.name.split("[")[0][5:])


def test_a_request_goes_from_advocate_to_certified(session, people):
    request = advocate_creates_and_submits(session, people)
    coordinator_checks_and_assigns(session, people, request)
    detective_attests(session, people, request)
    chief_opens(session, people, request)
    session.submit(session.page.get_by_role("button", name="Certify", exact=True))
    # The decision is recorded; the request is answered once the ink signature is recorded.
    expect(session.page.locator("#status")).to_have_text("Awaiting ink signature")
    session.shot("awaiting-ink")
    record_ink(request, people["coordinator"])
    request.refresh_from_db()
    assert request.status == Status.CERTIFIED and request.family_name == "Nguyễn"
    session.as_user(people["advocate"])
    session.open(request.get_absolute_url())
    expect(session.page.get_by_text("valid for filing with USCIS until")).to_be_visible()
    # the advocate's timeline has no internal notes
    expect(session.page.get_by_text("Qualifying-crime check recorded.")).to_have_count(0)
    session.shot("advocate-sees-certified")
    assert len(session.checked) >= 20


def test_a_request_goes_from_advocate_to_declined(session, people):
    request = advocate_creates_and_submits(session, people)
    coordinator_checks_and_assigns(session, people, request)
    detective_attests(session, people, request)
    chief_opens(session, people, request)
    page = session.page
    decline = form_with(page, "Decline")
    decline.get_by_label(re.compile("Policy reason")).select_option("not_helpful")
    decline.get_by_label("Explanation for the letter").fill("The victim stopped cooperating.")
    session.submit(decline.get_by_role("button", name="Decline"))
    expect(page.locator("#status")).to_have_text("Declined")
    session.as_user(people["advocate"])
    session.open(request.get_absolute_url())
    expect(page.get_by_role("heading", name="Declined without prejudice")).to_be_visible()
    session.shot("advocate-sees-declined")


def test_an_information_request_round_trip(session, people, make_request):
    request = make_request(Status.CRIME_CHECK)
    page = session.page
    session.as_user(people["coordinator"])
    session.open(request.get_absolute_url())
    page.locator("summary", has_text="Request information").click()
    ask = form_with(page, "Request information")
    ask.get_by_label("Text").fill("Please send the 209A order.")
    session.submit(ask.get_by_role("button", name="Request information"))
    expect(page.locator("#status")).to_have_text("Information requested")
    session.as_user(people["advocate"])
    session.open("/")
    session.shot("advocate-action-needed")
    page.get_by_role("link", name=request.reference).first.click()
    session.check()
    expect(
        page.get_by_role("region", name="The department asks for more information")
    ).to_contain_text("Please send the 209A order.")
    page.get_by_label("What is it").select_option("information_response")
    page.locator("#id_file").set_input_files({**PDF, "name": "209A-order.pdf"})
    session.submit(page.get_by_role("button", name="Upload"))
    answer = form_with(page, "Answer information request")
    answer.get_by_label("Text").fill("The order is attached.")
    session.shot("advocate-answers")
    session.submit(answer.get_by_role("button", name="Answer information request"))
    expect(page.locator("#status")).to_have_text("Qualifying-crime check")
    request.refresh_from_db()
    assert request.info_response_text == "The order is attached."
    assert request.documents.get().original_name == "209A-order.pdf"


def test_an_advocate_withdraws_a_request(session, people, make_request):
    request = make_request(Status.HELPFULNESS_REVIEW)
    page = session.page
    session.as_user(people["advocate"])
    session.open(request.get_absolute_url())
    page.locator("summary", has_text="Withdraw request").click()
    withdraw = form_with(page, "Withdraw request")
    withdraw.get_by_label("Reason (optional)").fill("The victim moved away.")
    session.submit(withdraw.get_by_role("button", name="Withdraw request"))
    expect(page.locator("#status")).to_have_text("Withdrawn by requester")
    session.shot("withdrawn")


def test_another_organisation_gets_not_found(session, people, make_request):
    request = make_request(Status.RECEIVED)
    session.as_user(people["other_advocate"])
    response = session.page.goto(f"{session.live_server.url}{request.get_absolute_url()}")
    assert response.status == 404
    expect(session.page.get_by_role("heading", name="Not found")).to_be_visible()
    session.check()
    session.shot("other-organisation-not-found")


def test_the_happy_path_with_the_keyboard_alone(session, people):
    page = session.page

    def type_into(label, text):
        tab_to(page, page.get_by_label(label))
        page.keyboard.type(text)

    def press(button_name, scope=None):
        button = (scope or page).get_by_role("button", name=button_name, exact=True)
        tab_to(page, button)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        session.check()

    session.as_user(people["advocate"])
    session.open("/")
    tab_to(page, page.get_by_role("link", name="Start a new request"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    type_into("Family name (last name)", "Jean-Baptiste")
    type_into("Given name (first name)", "Wilner")
    tab_to(page, page.get_by_label("Date of the criminal activity"))
    page.keyboard.type("03142025")
    # A radio group takes Tab at its first button; arrows move and choose within it.
    tab_to(
        page,
        page.get_by_role("group", name=re.compile("In what capacity")).get_by_label("Attorney"),
    )
    page.keyboard.press("ArrowDown")  # accredited representative
    page.keyboard.press("ArrowDown")  # advocate: needs no credential on the portal
    tab_to(page, page.get_by_label("The victim consents"))
    page.keyboard.press("Space")
    press("Save draft")
    press("Submit request")
    expect(page.locator("#status")).to_have_text("Received")
    request = CertificationRequest.objects.latest("pk")

    session.as_user(people["coordinator"])
    session.open(request.get_absolute_url())
    press("Start qualifying-crime check")
    tab_to(page, page.get_by_role("link", name="Qualifying-crime check"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Domestic Violence"))
    page.keyboard.press("Space")
    press("Save the crime check")
    tab_to(page, page.get_by_label("Detective", exact=True))
    page.keyboard.type("Detective")
    press("Assign")
    press("Confirm qualifying crime")
    expect(page.locator("#status")).to_have_text("Helpfulness review")

    session.as_user(people["detective"])
    session.open(request.get_absolute_url())
    tab_to(page, page.get_by_role("link", name="Helpfulness (Part 4 and 5)"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for item, answer in [
        ("Part 4, item 1", "Yes"),
        ("Part 4, item 2", "Yes"),
        ("Part 4, item 3", "No"),  # has the victim refused or failed? A cooperative one: No
        ("Part 5, item 1", "No"),
    ]:
        # Tab reaches a radio group at its first button; arrows move within the group.
        tab_to(page, page.get_by_role("group", name=re.compile(item)).get_by_label("Yes"))
        page.keyboard.press("Space" if answer == "Yes" else "ArrowDown")
    tab_to(page, page.get_by_label(re.compile("Part 4, explanation")))
    page.keyboard.type("Identified the suspect in a line-up.")
    press("Save Part 4 and Part 5")
    press("Attest helpfulness")
    # the Chief cannot certify while required Supplement B items are empty; this path
    # tests the keyboard, so the items it skips are filled directly.
    CertificationRequest.objects.filter(pk=request.pk).update(
        date_of_birth="1988-02-03",
        gender="M",
        report_number="MPD-2025-00001",
        occurred_in_us="yes",
        incident_location="Medford, MA",
        extraterritorial="no",
        case_status="ongoing",
        other_statute_citations="M.G.L. c. 265 s. 13M",
        criminal_activity_description="Assaulted at home.",
        injury_description="None known.",
    )

    session.as_user(people["chief"])
    session.open(request.get_absolute_url())
    # The certifying official adopts the proposals as the department's text (any Part).
    press("Adopt all proposals in Part 2")
    press("Adopt all proposals in Part 3")
    press("Certify")
    expect(page.locator("#status")).to_have_text("Awaiting ink signature")
    request.refresh_from_db()
    assert request.status == Status.AWAITING_INK


def test_the_other_pages_pass_axe(session, people, make_request, page):
    make_request(Status.RECEIVED, expedited=True, expedited_reason="detention")
    make_request(Status.CHIEF_DECISION)
    page.context.clear_cookies()
    session.open("/accounts/login/")
    session.shot("login")
    session.as_user(people["coordinator"])
    for path in ("/requests/", "/requests/?status=received", "/queues/intake/"):
        session.open(path)
    session.shot("intake-queue")
    session.as_user(people["advocate"])
    session.open("/requests/new/")
    session.submit(page.get_by_role("button", name="Save draft"))  # every error shown
    expect(page.get_by_role("heading", name="Please correct the errors below")).to_be_visible()
    session.shot("form-errors")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    session.open("/")
    session.shot("advocate-home-phone")


def test_the_demo_pages_for_each_role(session, page, reference_rows):
    """Screenshots of the demo data for the README (copied to docs/screenshots/)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = {u.username: u for u in get_user_model().objects.all()}
    page.set_viewport_size({"width": 1280, "height": 900})
    for username in ("advocate", "coordinator", "detective", "chief"):
        session.as_user(users[username])
        session.open("/")
        session.shot(f"{username}-home")
    decided = CertificationRequest.objects.filter(status=Status.CHIEF_DECISION).first()
    session.open(decided.get_absolute_url())
    session.shot("chief-review")
    session.as_user(users["coordinator"])
    check = CertificationRequest.objects.filter(status=Status.CRIME_CHECK).first()
    session.open(f"{check.get_absolute_url()}crime-check/?q=assault")
    session.shot("coordinator-crime-check")
