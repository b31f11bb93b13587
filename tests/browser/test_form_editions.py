"""The form editions page in a real browser: the records clerk takes USCIS's I-914B of 02/27/17.

Every page is checked with axe; the screenshots of docs/forms.md ("Taking a new edition") are
written to docs/screenshots/form-edition-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.documents import official
from cases.models import FormTemplate, FormType
from cases.uscis import acroform, tooltip_match
from tests.browser.test_workflow import session as session
from tests.documents.test_new_edition import I914B_CHOICES, i914b_file
from tests.documents.uscis_file import NEW_T_EDITION

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def loaded(page, image) -> None:
    """Wait until ``image`` (lazy) has scrolled into view and loaded."""
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


def shot(page, name: str, full: bool = False) -> None:
    page.screenshot(path=str(DOCS / f"form-edition-{name}.png"), full_page=full)


def test_the_clerk_takes_the_real_i914b_as_a_new_edition(session, people, reference_rows):
    page = session.page
    page.set_viewport_size({"width": 1280, "height": 900})
    session.as_user(people["coordinator"])
    session.open("/form-editions/")
    expect(page.get_by_role("heading", name="Form editions")).to_be_visible()
    page.locator("select[name=form_type]").select_option(FormType.T_VISA)
    page.get_by_label(re.compile("^Edition date")).fill(NEW_T_EDITION)
    page.get_by_label(re.compile("^The blank PDF from uscis.gov")).set_input_files(
        {"name": "i-914supb.pdf", "mimeType": "application/pdf", "buffer": i914b_file()}
    )
    shot(page, "1-upload")
    session.submit(page.get_by_role("button", name="Load and match"))
    expect(page.locator("#match-counts")).to_contain_text("27 items matched by the file")
    expect(page.locator("#match-counts")).to_contain_text("11 of them required")
    shot(page, "2-report")

    # Part 2 item 2.a: the clerk picks "Name of Certifying Official" (box 5 of the file).
    template = FormTemplate.objects.get(edition=NEW_T_EDITION)
    fields = acroform.read_inventory(template.data)
    index = next(i for i, f in enumerate(fields) if f.name.endswith("GivenNameFirstName[4]"))
    choice = page.get_by_label(re.compile(r"^Part 2 item 2\.a \(required\)"))
    choice.select_option(str(index))
    choice.scroll_into_view_if_needed()
    shot(page, "3-choose")
    gallery = page.get_by_role("img", name=f"Box {index + 1} on its page, outlined")
    loaded(page, gallery)
    shot(page, "4-box-image")
    session.submit(page.get_by_role("button", name="Save my choices"))
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    template.refresh_from_db()
    official_name = official.field_map(FormType.T_VISA, "").TEXT_FIELDS[(2, "2.a")][0]
    assert template.field_map[official_name] == fields[index].name

    # The rest as the clerk would choose them (the command-line list of the same choices).
    slots = tooltip_match.slots(
        official.field_map(FormType.T_VISA, ""),
        official.required_refs(official.form_map_for(FormType.T_VISA, NEW_T_EDITION)),
        official.category_names(FormType.T_VISA),
    )
    rest = dict(tooltip_match.parse_assignment(line, slots, fields) for line in I914B_CHOICES)
    official.assign_fields(template, rest, actor=people["coordinator"])
    session.open(f"/form-editions/{template.pk}/")
    expect(page.locator("#match-counts")).to_contain_text("0 of them required")
    preview = page.get_by_role("img", name="Demo request filled, page 1")
    loaded(page, preview)
    shot(page, "5-preview")
    session.submit(page.get_by_role("button", name="Activate this edition"))
    expect(page.get_by_text(f"I-914B edition {NEW_T_EDITION} is active")).to_be_visible()
    shot(page, "6-active")
    template.refresh_from_db()
    assert template.active and not template.draft
    assert len(session.checked) >= 5
