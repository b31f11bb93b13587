"""Any channel, all the way, in a real browser: a U request received by mail and a T request
made in person, each from *Record a request* through the crime check, the detective, the
Chief's decision and the form printed for ink to the ink record. The coordinator enters what
the requester sent (Part 1 included), records what came back by mail after an information
request, and the Chief sees what stands in the way of Certify and where to do it. axe-core on
every page reached (1280 and 412 px)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import CertificationRequest, FormType, IssuedForm, Status
from tests.browser.session import Session, answer_standing, record_ink_on_page
from tests.browser.test_workflow import PDF, form_with
from tests.conftest import scan_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session(page, live_server, artifacts, request):
    page.set_default_timeout(10_000)
    return Session(page, live_server, artifacts, request.node.name.split("[")[0][5:])


def record_a_request(s: Session, *, channel: str, form_type: str, victim: dict) -> Any:
    page = s.page
    s.open("/")
    page.get_by_role("link", name="Record a request").first.click()
    s.check()
    page.get_by_label("How the request was received").select_option(channel)
    page.get_by_label("Date the department received it").fill(timezone.localdate().isoformat())
    page.get_by_label("Requester's name").fill("Ana Costa")
    page.get_by_label("Postal address").fill("1 Elm St\nMedford MA 02155")
    page.get_by_label("Which form the requester needs").select_option(form_type)
    answer_standing(page, "The victim herself")
    for label, value in victim.items():
        page.get_by_label(label).fill(value)
    s.shot(f"record-{channel}")
    s.submit(page.get_by_role("button", name="Record the request"))
    expect(page.locator("#status")).to_have_text("Received")
    return CertificationRequest.objects.latest("pk")


def enter_for_requester(s: Session, request: CertificationRequest, **values: str) -> None:
    """The coordinator's page for what the requester sent (Part 1 and the incident)."""
    page = s.page
    page.get_by_role("link", name="What the requester sent (Part 1)").first.click()
    s.check()
    for label, value in values.items():
        field = page.get_by_label(label)
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    s.shot("coordinator-enters-for-requester")
    s.submit(page.get_by_role("button", name="Save what the requester sent"))
    expect(page.get_by_text("What the requester sent is saved.")).to_be_visible()


def test_a_mailed_u_request_from_record_a_request_to_the_ink_record(session, people):
    s, page = session, session.page
    s.as_user(people["coordinator"])
    request = record_a_request(
        s,
        channel="mail",
        form_type=FormType.U_VISA,
        victim={
            "Victim's family name (last name)": "Costa",
            "Victim's given name (first name)": "Ana",
            "Date of the criminal activity": "2025-06-01",
        },
    )
    assert request.reference.startswith("MPD-UV-") and request.gender == ""
    # Part 1 and the incident from the requester's letter; the gender is left for later.
    enter_for_requester(
        s,
        request,
        **{
            "Date of birth": "1991-04-04",
            "Police report or case number": "25-7777",
            "Where it happened": "Medford, MA",
            "What happened": "Robbed and beaten outside her home.",
            "Known or documented injuries": "A cut to the hand.",
        },
    )
    s.submit(page.get_by_role("button", name="Start qualifying-crime check"))

    # An information request; the answer comes back by mail, with a scan.
    page.locator("summary", has_text="Request information").click()
    ask = form_with(page, "Request information")
    ask.get_by_label("Text").fill("Please send the police report.")
    s.submit(ask.get_by_role("button", name="Request information"))
    expect(
        page.get_by_text(re.compile("waits for the requester's answer by mail")).first
    ).to_be_visible()
    expect(page.get_by_text("waits for the advocate's answer")).to_have_count(0)
    answer = form_with(page, "Answer information request")
    answer.get_by_label("How it came back").select_option("mail")
    answer.get_by_label("What the requester sent or said").fill("The report, by mail.")
    answer.get_by_label(re.compile("Scanned documents")).set_input_files(PDF)
    s.shot("coordinator-records-mail-answer")
    s.submit(answer.get_by_role("button", name="Answer information request"))
    expect(page.locator("#status")).to_have_text("Qualifying-crime check")
    expect(page.get_by_role("link", name="police-report.pdf")).to_be_visible()

    page.get_by_role("link", name="Qualifying-crime check").click()
    s.check()
    page.locator("label", has_text="Felonious Assault").click()
    page.get_by_label("Part 2, item 7. Case status").select_option("completed")
    page.get_by_label(re.compile("Part 3, item 4.a")).select_option("yes")
    page.get_by_label(re.compile("Part 3, item 5.a")).select_option("no")
    page.get_by_label(re.compile("Part 3, item 3. Other statutory")).fill("M.G.L. c. 265 s. 17")
    s.submit(page.get_by_role("button", name="Save the crime check"))
    s.submit(page.get_by_role("button", name="Adopt all proposals in Part 2"))
    s.submit(page.get_by_role("button", name="Adopt all proposals in Part 3"))
    page.get_by_label("Detective", exact=True).select_option(label="Detective")
    s.submit(page.get_by_role("button", name="Assign"))
    s.submit(page.get_by_role("button", name="Confirm qualifying crime"))

    s.as_user(people["detective"])
    s.open(request.get_absolute_url())
    page.get_by_role("link", name="Helpfulness (Part 4 and 5)").click()
    s.check()
    for item, answer_text in (("Part 4, item 1", "Yes"), ("Part 4, item 2", "Yes")):
        page.get_by_role("group", name=re.compile(item)).locator(
            "label", has_text=answer_text
        ).click()
    page.get_by_role("group", name=re.compile("Part 4, item 3")).locator(
        "label", has_text="No"
    ).click()
    page.get_by_label(re.compile("Part 4, explanation")).fill("Identified the robber.")
    page.get_by_role("group", name=re.compile("Part 5, item 1")).locator(
        "label", has_text="No"
    ).click()
    s.submit(page.get_by_role("button", name="Save Part 4 and Part 5"))
    s.submit(page.get_by_role("button", name="Attest helpfulness"))
    expect(page.locator("#status")).to_have_text("Chief decision")

    # The Chief: Certify is absent, and the page says why and where to do it.
    s.as_user(people["chief"])
    s.open(request.get_absolute_url())
    obstacles = page.locator("#certify-obstacles")
    expect(obstacles).to_contain_text("Certify is not possible yet")
    expect(obstacles).to_contain_text("Part 1, Item 5 (Gender)")
    expect(page.get_by_role("button", name="Certify", exact=True)).to_have_count(0)
    s.shot("chief-sees-what-stands-in-the-way")
    link = obstacles.get_by_role("link", name="What the requester sent (Part 1)")
    assert link.get_attribute("href") == f"/requests/{request.reference}/requester/"

    # The coordinator enters the gender from the letter; then the Chief certifies.
    s.as_user(people["coordinator"])
    s.open(request.get_absolute_url())
    enter_for_requester(s, request, Gender="F")
    s.as_user(people["chief"])
    s.open(request.get_absolute_url())
    expect(page.locator("#certify-obstacles")).to_have_count(0)
    s.submit(page.get_by_role("button", name="Certify", exact=True))
    expect(page.locator("#status")).to_have_text("Awaiting ink signature")
    assert IssuedForm.objects.filter(request=request).exists()  # the form printed for ink

    s.as_user(people["coordinator"])
    s.open(request.get_absolute_url())
    record_ink_on_page(s, CertificationRequest.objects.get(pk=request.pk), scan_png())
    expect(page.locator("#status")).to_have_text("Certified")
    request.refresh_from_db()
    assert request.status == Status.CERTIFIED and request.gender == "F"
    s.shot("mailed-u-certified")
    assert len(s.checked) >= 18


def test_a_walk_in_t_request_from_record_a_request_to_the_ink_record(session, people, t_template):
    s, page = session, session.page
    s.as_user(people["coordinator"])
    request = record_a_request(
        s,
        channel="in_person",
        form_type=FormType.T_VISA,
        victim={
            "Victim's family name (last name)": "Trần",
            "Victim's given name (first name)": "Thị Mai",
            "Victim's date of birth": "1994-02-03",
            "Date of the criminal activity": "2025-01-10",
            "What happened (as the requester describes it)": "Made to work to repay a debt.",
        },
    )
    assert request.reference.startswith("MPD-TV-")
    enter_for_requester(
        s,
        request,
        Gender="F",
        **{
            "Police report or case number": "MPD-2025-07777",
            "Where it happened": "Medford, MA",
            "Known or documented injuries": "None documented.",
        },
    )
    s.submit(page.get_by_role("button", name="Start trafficking check"))
    page.get_by_role("link", name="Trafficking check").click()
    s.check()
    page.locator("label", has_text=re.compile(r"c\.265 §51")).click()
    page.locator("label", has_text="Labor trafficking for debt bondage").click()
    page.get_by_label("Part 2, item 8. Case status").select_option("ongoing")
    s.submit(page.get_by_role("button", name="Save the crime check"))
    page.get_by_label("Detective", exact=True).select_option(label="Detective")
    s.submit(page.get_by_role("button", name="Assign"))
    s.submit(page.get_by_role("button", name="Confirm qualifying crime"))

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
    s.submit(page.get_by_role("button", name="Save Part 4 and Part 5"))
    s.submit(page.get_by_role("button", name="Attest cooperation"))

    # The Chief: the department's text is not adopted yet; the list says so, with the link.
    s.as_user(people["chief"])
    s.open(request.get_absolute_url())
    obstacles = page.locator("#certify-obstacles")
    expect(obstacles).to_contain_text("The department's text is not adopted yet")
    expect(obstacles.get_by_role("link", name="Write the department's text").first).to_be_visible()
    s.shot("chief-t-text-not-adopted")
    s.submit(page.get_by_role("button", name="Adopt all proposals in Part 2"))
    s.submit(page.get_by_role("button", name="Adopt all proposals in Part 3"))
    expect(page.locator("#certify-obstacles")).to_have_count(0)
    s.submit(page.get_by_role("button", name="Certify", exact=True))
    expect(page.locator("#status")).to_have_text("Awaiting ink signature")
    assert IssuedForm.objects.get(request=request).template.form_type == FormType.T_VISA

    s.as_user(people["coordinator"])
    s.open(request.get_absolute_url())
    record_ink_on_page(s, CertificationRequest.objects.get(pk=request.pk), scan_png())
    expect(page.locator("#status")).to_have_text("Certified")
    s.shot("walk-in-t-certified")
    assert len(s.checked) >= 14
