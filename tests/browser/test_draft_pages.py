"""The Chief reads the draft form page by page on the case page (axe on the page), and the
request's advocate sees none of it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Status
from tests.browser.session import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session(page, live_server, artifacts, request):
    page.set_default_timeout(15_000)
    return Session(page, live_server, artifacts, "draft-pages")


def test_the_chief_reads_the_draft_pages_on_the_case_page(session, people, make_request):
    page = session.page
    request = make_request(Status.CHIEF_DECISION)
    session.as_user(people["chief"])
    page.set_viewport_size({"width": 1280, "height": 900})
    session.open(request.get_absolute_url())
    heading = page.get_by_role("heading", name="The draft Form I-918 Supplement B, page by page")
    expect(heading).to_be_visible()
    images = page.get_by_role("img", name=re.compile(r"^Page \d+ of \d+ of the draft Form"))
    count = images.count()
    assert count >= 5
    for n in range(count):
        image = images.nth(n)
        image.scroll_into_view_if_needed()
        expect(image).to_have_attribute(
            "alt", f"Page {n + 1} of {count} of the draft Form I-918 Supplement B"
        )
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
    box = images.first.bounding_box()
    assert box and box["width"] <= 1280  # within the column, not the PNG's own width
    session.check()
    heading.scroll_into_view_if_needed()
    session.shot("chief-draft-pages")
    expect(
        page.get_by_role("link", name=re.compile("Draft of the Form I-918 Supplement B"))
    ).to_be_visible()

    # Before the decision is due the pages are folded away; the summary opens them.
    received = make_request(Status.RECEIVED)
    session.as_user(people["coordinator"])
    session.open(received.get_absolute_url())
    first = page.get_by_role("img", name=re.compile(r"^Page 1 of \d+ of the draft Form"))
    expect(first).to_be_hidden()
    page.get_by_text(re.compile(r"^Show the \d+ pages$")).click()
    expect(first).to_be_visible()
    session.check()

    session.as_user(people["advocate"])
    session.open(request.get_absolute_url())
    expect(page.get_by_role("img", name=re.compile("of the draft Form"))).to_have_count(0)
