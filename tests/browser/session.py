"""Helpers for the browser tests: sign in as a persona, check accessibility, use the keyboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page

from tests.conftest import browser_sign_in

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 412, "height": 915}  # a common Android phone in CSS pixels
DESKTOP = {"width": 1280, "height": 900}
WIDTHS = [(PHONE["width"], PHONE["height"]), (DESKTOP["width"], DESKTOP["height"])]


def axe_violations(page: Page) -> list[tuple[str, str, list]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    # evaluate(), not an inline <script>: the CSP refuses inline script.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
    ]


class Session:
    """One browser page that acts as different people in turn, checking every page it reaches."""

    def __init__(self, page: Page, live_server: Any, artifacts: Path, name: str) -> None:
        self.page, self.live_server, self.artifacts, self.name = page, live_server, artifacts, name
        self.checked: list[str] = []
        self.violations: dict[int, int] = {}
        self.shots = 0

    def as_user(self, user: Any) -> None:
        self.page.context.clear_cookies()
        browser_sign_in(self.page, self.live_server, user)

    def open(self, path: str) -> None:
        self.page.goto(f"{self.live_server.url}{path}")
        self.check()

    def check(self) -> None:
        """axe-core on the page as it is now, at a phone's width and at a desktop's: no
        WCAG 2.1 A/AA violation at either (SC 1.4.10 reflow: the phone layout hides and
        shows other elements, e.g. the search button's text and icon)."""
        self.page.wait_for_load_state()
        size = self.page.viewport_size or DESKTOP
        for width, height in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": height})
            violations = axe_violations(self.page)
            assert violations == [], f"{self.page.url} at {width} px: {violations}"
            self.violations[width] = self.violations.get(width, 0) + len(violations)
        self.page.set_viewport_size(size)
        self.checked.append(self.page.url)

    def shot(self, label: str) -> None:
        self.shots += 1
        path = self.artifacts / f"{self.name}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)

    def submit(self, button: Locator) -> None:
        """Click a submit button and check the page it leads to."""
        with self.page.expect_navigation():
            button.click()
        self.check()


def answer_standing(
    page: Page, capacity: str = "Advocate of an organisation", consent: str = "The victim consents"
) -> None:
    """Who is asking and the victim's answer on sharing, as a user answers (USWDS radios: the
    label is what a user clicks)."""
    import re

    page.get_by_role("group", name=re.compile("In what capacity")).locator(
        "label", has_text=capacity
    ).click()
    page.get_by_role("group", name=re.compile("Does the victim consent")).locator(
        "label", has_text=consent
    ).click()


def record_ink_on_page(s: Session, request: Any, scan: bytes) -> Any:
    """The coordinator's ink record on the case page: today's date, the deciding official and
    the scan; returns the day recorded."""
    import re

    from django.utils import timezone

    page = s.page
    ink_form = page.locator("form", has=page.get_by_role("button", name="Record ink signature"))
    today = timezone.localdate()
    ink_form.get_by_label(re.compile("Date written in Part 6 item 2")).fill(today.isoformat())
    ink_form.get_by_label("Signed in ink by").select_option(label=str(request.certifying_official))
    ink_form.get_by_label(re.compile("Scan of the signed pages")).set_input_files(
        {"name": "signed-pages.png", "mimeType": "image/png", "buffer": scan}
    )
    s.shot("coordinator-records-ink")
    s.submit(ink_form.get_by_role("button", name="Record ink signature"))
    return today


def tab_to(page: Page, target: Locator, limit: int = 400) -> None:
    """Move the focus to ``target`` with the Tab key only (fails if it cannot be reached)."""
    handle = target.element_handle()
    for _ in range(limit):
        if page.evaluate("(el) => el === document.activeElement", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} cannot be reached with the Tab key")
