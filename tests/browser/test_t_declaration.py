"""The T declaration's items of USCIS's 02/27/17 Form I-914 Supplement B in a real browser: the
detective answers Part C items 3, 6, 7 and Part D in the form's words, the case page shows them;
axe finds no WCAG 2.1 A/AA violation on either page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Status
from tests.browser.session import Session
from tests.documents.test_i914b_02_27_17 import T_0217

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_detective_answers_part_c_and_part_d(
    page, live_server, artifacts, people, make_request, t_template
):
    r = make_request(
        Status.HELPFULNESS_REVIEW,
        **{**T_0217, "fear_of_retaliation": "", "fear_of_retaliation_explanation": ""},
        reference="MPD-TV-1999-0700",
    )
    s = Session(page, live_server, artifacts, "t-declaration")
    s.as_user(people["detective"])
    s.open(f"{r.get_absolute_url()}helpfulness/")
    fear = page.get_by_role("group", name=re.compile("Part C, item 3. Has the applicant"))
    expect(fear).to_be_visible()
    s.check()
    # USWDS radios: the label is what a user clicks.
    part_d = page.get_by_role("group", name=re.compile("Part D, item 1"))
    part_d.locator("label", has_text="not been requested to assist").click()
    fear.locator("label", has_text="Yes").click()
    page.get_by_label("If yes, explain").fill("Afraid of the recruiter's brother.")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_text("Part 4 and Part 5 saved")).to_be_visible()
    s.check()
    s.as_user(people["chief"])
    s.open(r.get_absolute_url())
    expect(page.locator("#t-fear")).to_have_text("Yes. Afraid of the recruiter's brother.")
    expect(page.locator("#t-two-inks")).to_be_visible()
    s.check()
