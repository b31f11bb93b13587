"""Details of the case pages in a real browser: the action box's headings are smaller than the
page title, Part 5 "No" hides the family-member fields, the progress bar shows a skipped step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Status
from tests.browser.session import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def font_px(locator) -> float:
    return float(locator.evaluate("(el) => getComputedStyle(el).fontSize").removesuffix("px"))


def test_action_box_headings_are_smaller_than_the_section_headings(
    page, live_server, artifacts, people, make_request
):
    r = make_request(Status.CHIEF_DECISION, attested_at=None)
    s = Session(page, live_server, artifacts, "details")
    s.as_user(people["chief"])
    s.open(r.get_absolute_url())
    title = font_px(page.locator("h1"))
    section = font_px(page.locator("#actions-h"))
    for legend in page.locator(".actions legend").all():
        assert font_px(legend) < section < title
    skipped = page.locator(".usa-step-indicator__segment[data-state='skipped']")
    expect(skipped).to_have_count(1)
    expect(skipped).to_contain_text("Helpfulness review")
    expect(skipped).not_to_have_class(re.compile("segment--complete"))


def test_part_5_no_hides_the_family_member_fields(
    page, live_server, artifacts, people, make_request
):
    r = make_request(Status.HELPFULNESS_REVIEW, family_members_implicated="")
    s = Session(page, live_server, artifacts, "details")
    s.as_user(people["detective"])
    s.open(f"{r.get_absolute_url()}helpfulness/")
    family = page.locator("#family-members")
    part5 = page.get_by_role("group", name=re.compile("Part 5, item 1"))
    expect(family).to_be_hidden()  # nothing answered yet
    part5.locator("label", has_text="Yes").click()
    expect(family).to_be_visible()
    expect(family.get_by_label(re.compile("^Family name"))).to_be_visible()
    s.check()
    part5.locator("label", has_text="No").click()
    expect(family).to_be_hidden()
    expect(family.locator(".usa-hint--required:visible")).to_have_count(0)
    s.check()
