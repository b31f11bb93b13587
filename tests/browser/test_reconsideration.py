"""Reconsideration of a denial in a real browser, axe on every page: the advocate asks with
reasons and a document; the official who denied is refused while another is designated; the
other official declines again."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from cases import services
from cases.models import CertifyingOfficial, DeclineReason, Reconsideration, Status
from cases.roles import CHIEF
from tests.browser.test_workflow import PDF, form_with
from tests.browser.test_workflow import session as session
from tests.conftest import _user, totp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_denial_is_reconsidered_and_decided_by_another_official(
    session, people, make_request, agency
):
    deputy = _user("deputy", CHIEF)
    totp_device(deputy)
    CertifyingOfficial.objects.create(
        agency=agency,
        user=deputy,
        family_name="Okafor",
        given_name="Grace",
        title="Deputy Chief",
        designated_on=date(2024, 1, 2),
        designation_document=SimpleUploadedFile("designation.pdf", b"%PDF-1.7\n%%EOF"),
    )
    r = services.request_decline(
        request=make_request(Status.CHIEF_DECISION),
        actor=people["chief"],
        reason=DeclineReason.NOT_HELPFUL,
    )
    page = session.page

    session.as_user(people["advocate"])
    session.open(r.get_absolute_url())
    asking = form_with(page, "Ask for reconsideration")
    asking.get_by_label(re.compile("Why the department should reconsider")).fill(
        "The prosecutor's letter shows she testified."
    )
    asking.get_by_label(re.compile("Supporting documents")).set_input_files(
        {**PDF, "name": "prosecutor-letter.pdf"}
    )
    session.submit(asking.get_by_role("button", name="Ask for reconsideration"))
    expect(page.locator("#status")).to_have_text("Reconsideration requested")
    due = Reconsideration.objects.get(request=r).due_on
    expect(page.get_by_text(f"answer due by {due:%m/%d/%Y}")).to_be_visible()
    session.shot("advocate-asked")

    session.as_user(people["chief"])
    session.open(r.get_absolute_url())
    decline = form_with(page, "Decline")
    decline.get_by_label(re.compile("Policy reason")).select_option("not_helpful")
    session.submit(decline.get_by_role("button", name="Decline"))
    expect(page.get_by_text("Grace Okafor")).to_be_visible()
    expect(page.locator("#status")).to_have_text("Reconsideration requested")
    session.shot("same-official-refused")

    session.as_user(deputy)
    session.open(r.get_absolute_url())
    decline = form_with(page, "Decline")
    decline.get_by_label(re.compile("Policy reason")).select_option("not_helpful")
    session.submit(decline.get_by_role("button", name="Decline"))
    expect(page.locator("#status")).to_have_text("Declined")
    session.shot("declined-again")
    row = Reconsideration.objects.get(request=r)
    assert row.outcome == "denied" and row.decided_by.user == deputy
