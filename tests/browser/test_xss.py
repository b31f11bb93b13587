"""A script typed into a request's text fields is shown as text and never runs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases import services
from tests.conftest import browser_sign_in

PAYLOAD = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_script_in_text_fields_is_displayed_not_run(page, live_server, agency, people, artifacts):
    r = services.request_create(
        actor=people["advocate"],
        agency=agency,
        values={
            "family_name": PAYLOAD,
            "given_name": "Ana",
            "incident_date": "2025-03-14",
            "criminal_activity_description": PAYLOAD,
        },
    )
    r = services.request_submit(request=r, actor=people["advocate"])
    services.request_ask_information(request=r, actor=people["coordinator"], text=PAYLOAD)

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    browser_sign_in(page, live_server, people["coordinator"])
    page.goto(f"{live_server.url}{r.get_absolute_url()}")
    expect(page.locator("#status")).to_have_text("Information requested")
    # The text is on the page as typed: in the victim's name, the description or the
    # information request, and in the history.
    assert page.inner_text("main").count("<script>window.__xss = 1</script>") >= 2
    # ... and nothing ran: no flag, no dialog, no element made from it.
    assert page.evaluate("window.__xss") is None
    assert page.locator("main script, main img").count() == 0
    assert dialogs == []
    page.screenshot(path=str(artifacts / "xss-shown-as-text.png"), full_page=True)
