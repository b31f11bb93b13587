"""Who is asking, and the victim's consent to sharing (8 U.S.C. 1367), in a real browser: the
coordinator records an attorney's request whose client does not consent, the case page says so,
and the hand-over of the ink-signed original is refused with the reason. axe-core on every page,
at both widths."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import CertificationRequest, OriginalHandover
from tests.browser.session import Session, answer_standing
from tests.browser.test_workflow import form_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session(page, live_server, artifacts):
    page.set_default_timeout(10_000)
    return Session(page, live_server, artifacts, "requester-standing")


def test_an_attorney_request_without_consent_is_kept_in_the_department(
    session, people, certify_and_ink
):
    s, page = session, session.page
    s.as_user(people["coordinator"])
    s.open("/requests/intake/")
    page.get_by_label("How the request was received").select_option("mail")
    page.get_by_label("Date the department received it").fill(timezone.localdate().isoformat())
    page.get_by_label("Requester's name").fill("Ana Costa")
    page.get_by_label("Postal address").fill("1 Elm St\nMedford MA 02155")
    page.get_by_label("Victim's family name (last name)").fill("Silva")
    page.get_by_label("Victim's given name (first name)").fill("Rosa")
    page.get_by_label("Date of the criminal activity").fill("2025-11-02")
    answer_standing(page, "Attorney", "The victim does not consent")
    # An attorney without a bar number: the page says what is missing and records nothing.
    s.submit(page.get_by_role("button", name="Record the request"))
    expect(page.get_by_text("Give the attorney's bar number.")).to_be_visible()
    assert not CertificationRequest.objects.exists()
    page.get_by_label("Attorney: bar number").fill("123456")
    page.get_by_label("Attorney: state of bar admission (two letters, e.g. MA)").fill("MA")
    s.shot("intake-attorney")
    s.submit(page.get_by_role("button", name="Record the request"))
    expect(page.locator("#status")).to_have_text("Received")
    expect(page.locator("#requester-standing")).to_have_text("Attorney (MA bar 123456)")
    expect(page.locator("#sharing-consent")).to_contain_text(
        "nothing about her leaves the department"
    )
    s.shot("case-page-standing")

    # A certified request whose victim does not consent: the original stays in the department.
    r = certify_and_ink(victim_sharing_consent="refused", requester_capacity="attorney")
    s.open(r.get_absolute_url())
    handover = form_with(page, "Record hand-over")
    handover.get_by_label("Received by (name and role)").fill("Ana Costa, attorney")
    handover.get_by_label("Date handed over").fill(timezone.localdate().isoformat())
    handover.get_by_label("How").select_option("in_person")
    s.submit(handover.get_by_role("button", name="Record hand-over"))
    expect(page.get_by_text("has not consented to the department sharing")).to_be_visible()
    assert not OriginalHandover.objects.exists()
    s.shot("handover-refused")
