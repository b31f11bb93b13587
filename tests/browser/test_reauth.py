"""A Chief's decision survives re-authentication: the reason and the explanation come back
filled in after the password and code, and the denial letter cites the reason chosen."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.accounts.sessions import FRESH_AT, now_ts
from cases.models import DeclineReason, Status
from tests.browser.session import Session
from tests.conftest import totp_code, totp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def lapse_confirmation(page, live_server) -> None:
    """The 5-minute confirmation of the sign-in has run out (as after a long read)."""
    cookie = next(
        c
        for c in page.context.cookies(live_server.url)
        if c["name"] == settings.SESSION_COOKIE_NAME
    )
    store = SessionStore(session_key=cookie["value"])
    store[FRESH_AT] = now_ts() - settings.UVISA_REAUTH_SECONDS - 60
    store.save()


def test_a_decline_keeps_its_reason_and_explanation_through_reauthentication(
    page, live_server, make_request, people, artifacts
):
    request = make_request(Status.CHIEF_DECISION)
    s = Session(page, live_server, artifacts, "reauth")
    page.set_default_timeout(10_000)
    s.as_user(people["chief"])
    lapse_confirmation(page, live_server)
    s.open(request.get_absolute_url())
    decline = page.locator("form", has=page.get_by_role("button", name="Decline", exact=True))
    reason = decline.get_by_label(re.compile("Policy reason"))
    expect(reason).to_have_value("")  # legal meaning: nothing is chosen for the Chief
    reason.select_option("not_helpful")  # not the first criterion of the policy
    decline.get_by_label("Explanation for the letter").fill("The victim stopped cooperating.")
    s.submit(decline.get_by_role("button", name="Decline"))

    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    expect(page.get_by_text("What you typed for the step is kept")).to_be_visible()
    s.shot("confirm")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_label("Code from your authenticator app").fill(
        totp_code(totp_device(people["chief"]))
    )
    s.submit(page.get_by_role("button", name="Confirm"))

    request.refresh_from_db()
    assert request.status == Status.CHIEF_DECISION  # nothing done behind the Chief's back
    decline = page.locator("form", has=page.get_by_role("button", name="Decline", exact=True))
    expect(decline.get_by_label(re.compile("Policy reason"))).to_have_value("not_helpful")
    expect(decline.get_by_label("Explanation for the letter")).to_have_value(
        "The victim stopped cooperating."
    )
    expect(page.get_by_role("status").filter(has_text="filled in again")).to_be_visible()
    s.shot("filled-in-again")
    s.submit(decline.get_by_role("button", name="Decline"))
    expect(page.locator("#status")).to_have_text("Declined")
    expect(page.get_by_role("status").filter(has_text="is declined")).to_be_visible()

    request.refresh_from_db()
    assert request.decline_reason == "not_helpful"
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("denial", re.I)).click()
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages
    )
    text = " ".join(text.split())
    assert str(DeclineReason("not_helpful").label) in text
    assert "The victim stopped cooperating." in text


def test_a_certification_note_survives_reauthentication(
    page, live_server, make_request, people, artifacts
):
    request = make_request(Status.CHIEF_DECISION)
    s = Session(page, live_server, artifacts, "reauth-certify")
    s.as_user(people["chief"])
    lapse_confirmation(page, live_server)
    s.open(request.get_absolute_url())
    certify = page.locator("form", has=page.get_by_role("button", name="Certify", exact=True))
    certify.get_by_label("Note (optional)").fill("Reviewed with the DA's office.")
    s.submit(certify.get_by_role("button", name="Certify"))
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_label("Code from your authenticator app").fill(
        totp_code(totp_device(people["chief"]))
    )
    s.submit(page.get_by_role("button", name="Confirm"))
    certify = page.locator("form", has=page.get_by_role("button", name="Certify", exact=True))
    expect(certify.get_by_label("Note (optional)")).to_have_value("Reviewed with the DA's office.")
