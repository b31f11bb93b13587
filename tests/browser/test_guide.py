"""The user guide's screenshots (docs/guide/img/), taken on the demo data by a real browser,
every page checked with axe at a phone's width and a desktop's; and the guide pages themselves.

The shots go to test-artifacts/guide/; after a page changes, run
``UVISA_GUIDE_SHOTS=1 make test PYTEST_ARGS="tests/browser/test_guide.py"`` to write them into
docs/guide/img/ and commit them (small: the visible part of the page at 1024 px, 64 colours).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from cases.models import CertificationRequest, Status
from tests.browser.session import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDE_IMG = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"
UPDATE_GUIDE = os.environ.get("UVISA_GUIDE_SHOTS") == "1"


def guide_shot(s: Session, name: str) -> None:
    """The visible part of the page at 1024 x 720, in 64 colours (a few tens of KB)."""
    size = s.page.viewport_size
    s.page.set_viewport_size({"width": 1024, "height": 720})
    folder = GUIDE_IMG if UPDATE_GUIDE else s.artifacts / "guide"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    s.page.screenshot(path=str(path))
    Image.open(path).convert("RGB").quantize(64).save(path, optimize=True)
    s.page.set_viewport_size(size)


@pytest.fixture
def demo(reference_rows):
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", stdout=quiet)
        call_command("seed_federal_demo", stdout=quiet)
    return {u.username: u for u in get_user_model().objects.all()}


def test_the_guide_screenshots_for_each_role(page, live_server, artifacts, demo):
    page.set_default_timeout(10_000)
    s = Session(page, live_server, artifacts, "guide")
    page.set_viewport_size({"width": 1280, "height": 900})
    first = CertificationRequest.objects.filter

    s.as_user(demo["advocate"])
    s.open("/")
    guide_shot(s, "advocate-home")
    s.open("/requests/new/")
    guide_shot(s, "advocate-form")
    info = first(status=Status.INFO_REQUESTED, organization__name__startswith="Mystic").first()
    if info is not None:
        s.open(info.get_absolute_url())
        guide_shot(s, "advocate-information-requested")
    s.open("/help/advocate/")

    s.as_user(demo["coordinator"])
    s.open("/")
    guide_shot(s, "coordinator-home")
    check = first(status=Status.CRIME_CHECK).first()
    s.open(f"{check.get_absolute_url()}crime-check/?q=household+member")
    guide_shot(s, "coordinator-crime-check")
    s.open(check.get_absolute_url())
    guide_shot(s, "coordinator-case")

    review = first(status=Status.HELPFULNESS_REVIEW).first()
    s.as_user(review.assigned_detective)
    s.open("/")
    guide_shot(s, "detective-home")
    s.open(f"{review.get_absolute_url()}helpfulness/")
    guide_shot(s, "detective-helpfulness")

    s.as_user(demo["chief"])
    s.open("/")
    guide_shot(s, "chief-home")
    decide = first(status=Status.CHIEF_DECISION).first()
    s.open(decide.get_absolute_url())
    page.locator("#actions-h").scroll_into_view_if_needed()
    guide_shot(s, "chief-decision")
    s.open("/accounts/confirm/?next=/")
    guide_shot(s, "confirm-it-is-you")

    s.as_user(demo["auditor"])
    s.open("/")
    guide_shot(s, "auditor-home")
    s.open("/audit/access/")
    guide_shot(s, "auditor-access-log")
    s.open(first(status=Status.DECLINED).first().get_absolute_url())
    s.open("/accounts/sessions/")
    guide_shot(s, "sessions")

    s.as_user(demo["records"])
    s.open("/federal-requests/")
    guide_shot(s, "records-log")

    page.context.clear_cookies()
    s.open("/accounts/login/")
    guide_shot(s, "sign-in")
    s.open("/help/")
    s.open("/help/signing-in/")
    expect(page.get_by_role("heading", name="Signing in", level=1)).to_be_visible()
    assert s.violations == {412: 0, 1280: 0} and len(s.checked) >= 20


def test_every_guide_page_and_its_images(page, live_server, artifacts, people):
    s = Session(page, live_server, artifacts, "guide-pages")
    s.as_user(people["coordinator"])
    s.open("/")
    page.get_by_role("link", name=re.compile("^Help")).first.click()
    s.check()
    for link in page.locator("main a[href^='/help/']").all():
        href = link.get_attribute("href")
        response = page.request.get(f"{live_server.url}{href}")
        assert response.status == 200, href
    for slug in ("signing-in", "advocate", "coordinator", "detective", "chief", "auditor"):
        s.open(f"/help/{slug}/")
        for img in page.locator("main img").all():
            img.scroll_into_view_if_needed()  # the guide's images load lazily, when in view
            page.wait_for_function(
                "(img) => img.complete && img.naturalWidth > 0", arg=img.element_handle()
            )
