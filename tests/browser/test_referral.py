"""Referral to the agency with jurisdiction in a real browser, axe on every page: the
coordinator adds a nearby certifier to the directory; the Chief refers a request at the
decision to it, forwarding the documents with the victim's consent; the case page shows the
referral to the Chief and to the advocate."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from cases import services
from cases.models import CertifierDirectoryEntry, Referral, Status
from tests.browser.test_workflow import form_with
from tests.browser.test_workflow import session as session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "The assault took place in Malden; the Malden police investigated it."


def test_a_request_is_referred_and_forwarded_on_consent(session, people, make_request):
    r = make_request(Status.CHIEF_DECISION)
    services.request_add_document(
        request=r,
        actor=r.advocate,
        upload=SimpleUploadedFile("report.pdf", b"%PDF-1.7\n%%EOF", "application/pdf"),
        kind="police_report",
    )
    page = session.page

    session.as_user(people["coordinator"])
    session.open("/directory/")
    adding = form_with(page, "Add to the directory")
    adding.get_by_label("Agency name").fill("Malden Police Department")
    adding.get_by_label("Kind").select_option("police")
    adding.get_by_label(re.compile("Jurisdiction")).fill("Crimes reported in Malden, MA")
    adding.get_by_label("Mailing address").fill("Malden, MA\n(confirm before use)")
    session.submit(adding.get_by_role("button", name="Add to the directory"))
    expect(page.locator("#directory")).to_contain_text("Malden Police Department")
    session.shot("directory")
    entry = CertifierDirectoryEntry.objects.get()

    session.as_user(people["chief"])
    session.open(r.get_absolute_url())
    page.get_by_text("Refer to the agency with jurisdiction", exact=True).first.click()
    referring = form_with(page, "Refer to the agency with jurisdiction")
    referring.get_by_label(re.compile("Agency with jurisdiction")).select_option(str(entry.pk))
    referring.get_by_label(re.compile("Why the request belongs")).fill(REASON)
    referring.get_by_label(re.compile("Forward the request's documents")).select_option("mail")
    session.check()
    session.submit(referring.get_by_role("button", name="Refer to the agency with jurisdiction"))
    expect(page.locator("#status")).to_have_text("Referred to the agency with jurisdiction")
    expect(page.locator("#referral")).to_contain_text("Malden Police Department")
    expect(page.locator("#referral-forwarding")).to_contain_text(
        "Forwarded with the victim's consent by mail"
    )
    expect(page.locator("#referral")).to_contain_text("1 document")
    expect(page.locator(".issued-letters")).to_contain_text("Cover letter forwarding")
    session.shot("referred")
    row = Referral.objects.get(request=r)
    assert row.forwarded and row.forward_method == "mail"

    session.as_user(people["advocate"])
    session.open(r.get_absolute_url())
    expect(page.locator("#referral")).to_contain_text(REASON)
    expect(page.locator(".issued-letters")).to_contain_text("Referral to the agency")
    expect(page.locator(".issued-letters")).not_to_contain_text("Cover letter forwarding")
    session.shot("advocate-sees-it")
